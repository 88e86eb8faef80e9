"""The messages of the AsyncAPI document: one per event type and version, the bare article, a dead letter.

Each payload is the published JSON Schema of its event type and version, referenced, never copied.
"""

from __future__ import annotations

from typing import Any

from services.common.events import CURRENT, REGISTRY
from services.common.names import EVENT_FIELD, STAGES

SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
BARE = "article.submitted.bare"
DEAD_LETTER = "DeadLetter"


def message_key(event_type: str, ver: int) -> str:
    return f"{event_type}.v{ver}"


def ref(section: str, key: str) -> dict[str, str]:
    return {"$ref": f"#/{section}/{key}"}


def messages(base: str) -> dict[str, Any]:
    """One message per event type and version, its payload the published schema; and the others."""
    correlation = {
        "description": "One id per submission, carried through every stage.",
        "location": "$message.payload#/correlationid",
    }
    out: dict[str, Any] = {}
    for event_type, ver in sorted(REGISTRY):
        current = ver == CURRENT[event_type]
        out[message_key(event_type, ver)] = {
            "name": event_type,
            "title": f"{event_type} v{ver}",
            "summary": f"{REGISTRY[(event_type, ver)].__doc__ or event_type}".strip().splitlines()[0],
            "description": f"Entry field `{EVENT_FIELD}`: a CloudEvents 1.0 envelope as JSON, `type` "
            f"{event_type}, `dataschema` urn:newsfacts:schema:{event_type}:{ver}. "
            + (
                "The version this code writes."
                if current
                else "Older version: still in the log, read upcast."
            ),
            "contentType": "application/json",
            "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": {"$ref": f"{base}{event_type}.v{ver}.json"}},
            "correlationId": correlation,
        }
    submitted = f"{base}article.submitted.v{CURRENT['article.submitted']}.json#/properties/data"
    out[BARE] = {
        "name": BARE,
        "title": "bare article",
        "summary": "An article object without an envelope, e.g. added with XADD by hand.",
        "description": f"Entry field `{EVENT_FIELD}`: the data of an article.submitted event alone. Ingest "
        "and the projector read it as that event, its id and time derived from the stream entry.",
        "contentType": "application/json",
        "payload": {
            "schemaFormat": SCHEMA_FORMAT,
            "schema": {"$ref": submitted},
        },
    }
    out[DEAD_LETTER] = {
        "name": "dead letter",
        "title": "dead letter",
        "summary": "An input entry a stage could not process, or one parked behind it, with its story.",
        "description": "Several entry fields, not one JSON field (see the payload). `newsfacts dlq retry` "
        "appends `event` back to the stage's input stream.",
        "payload": ref("components/schemas", DEAD_LETTER),
    }
    return out


def dead_letter_schema() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "description": "The fields of one dead-letter stream entry (all Redis strings).",
        "required": [
            "stage",
            "status",
            "reason",
            "error",
            "attempts",
            "time",
            "entry_id",
            "subject",
            "event",
        ],
        "properties": {
            "stage": {**text, "enum": list(STAGES)},
            "status": {**text, "enum": ["dead", "parked"], "description": "parked: held behind a dead one"},
            "reason": {**text, "description": "error, or the rejection reason of an unreadable event"},
            "error": {**text, "maxLength": 4000},
            "attempts": {**text, "pattern": "^[0-9]+$", "description": "deliveries before it was moved"},
            "time": {**text, "description": "RFC 3339 time it was moved"},
            "entry_id": {**text, "description": "its entry id in the stage's input stream"},
            "subject": {**text, "description": "the article id, or empty"},
            "event": {**text, "description": "the input entry's event JSON, as it was"},
        },
    }
