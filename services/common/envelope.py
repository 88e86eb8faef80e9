"""The CloudEvents 1.0 envelope every event travels in, and its wire encoding.

On the wire a stream entry has exactly one field, ``event``, whose value is the
envelope as JSON text, so ``redis-cli XRANGE`` shows it as it is.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
import uuid_utils
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.common.events import CURRENT, REGISTRY
from services.common.events.intake import RejectReason
from services.common.events.upcasters import upcast
from services.common.rejection import Rejection

SPECVERSION = "1.0"
_NAMESPACE = uuid.UUID("6f1b2c62-4c1e-4f53-9a57-2f7c4c1d9e01")
M = TypeVar("M", bound=BaseModel)
#: Type segments may hold '_' since envelope v2 (``article.reprocess_requested``); see schemas/README.md.
_SCHEMA_RE = re.compile(r"^urn:newsfacts:schema:(?P<type>[a-z._]+):(?P<version>\d+)$")


class Envelope(BaseModel):
    """One event: CloudEvents attributes, newsfacts extensions, and the data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: str = Field(default=SPECVERSION, pattern=r"^1\.0$")
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200, description="Producing stage, e.g. 'newsfacts/clean'.")
    type: str = Field(pattern=r"^[a-z]+(\.[a-z_]+)+$")
    subject: str | None = Field(default=None, description="The article id (none before ingest).")
    time: str = Field(description="RFC 3339 time the event was made.")
    datacontenttype: str = "application/json"
    dataschema: str = Field(pattern=_SCHEMA_RE.pattern, description="urn:newsfacts:schema:TYPE:VERSION")
    correlationid: str = Field(
        min_length=1, description="One per article submission, carried through every stage."
    )
    causationid: str | None = Field(default=None, description="Id of the event that caused this one.")
    stageversion: str = Field(description="Code version of the producing stage, e.g. 'clean/1.0.0'.")
    data: dict[str, Any]

    @property
    def version(self) -> int:
        match = _SCHEMA_RE.match(self.dataschema)
        assert match is not None  # guaranteed by the field pattern
        return int(match["version"])


def schema_urn(event_type: str, version: int) -> str:
    return f"urn:newsfacts:schema:{event_type}:{version}"


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """A fresh time-ordered id (UUIDv7)."""
    return str(uuid_utils.uuid7())


def derived_id(causation_id: str, producer: str, event_type: str, n: int = 0) -> str:
    """A deterministic id: the same input and producer version always give the same event id."""
    return str(uuid.uuid5(_NAMESPACE, f"{causation_id}|{producer}|{event_type}|{n}"))


def make_event(
    event_type: str,
    data: BaseModel,
    *,
    source: str,
    stageversion: str,
    subject: str | None,
    correlationid: str,
    causationid: str | None,
    event_id: str | None = None,
) -> Envelope:
    """Build an envelope for ``data`` at the current schema version of ``event_type``."""
    version = CURRENT[event_type]
    expected = REGISTRY[(event_type, version)]
    if not isinstance(data, expected):
        raise TypeError(f"{event_type} v{version} takes {expected.__name__}, not {type(data).__name__}")
    return Envelope(
        id=event_id or new_id(),
        source=source,
        type=event_type,
        subject=subject,
        time=now_rfc3339(),
        dataschema=schema_urn(event_type, version),
        correlationid=correlationid,
        causationid=causationid,
        stageversion=stageversion,
        data=data.model_dump(mode="json"),
    )


def encode(event: Envelope) -> bytes:
    return orjson.dumps(event.model_dump(mode="json"))


def decode(raw: bytes | str) -> Envelope:
    """Parse an envelope from JSON text; raise ``Rejection`` on anything malformed."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = RejectReason.NOT_UTF8 if "utf-8" in str(exc).lower() else RejectReason.MALFORMED_JSON
        raise Rejection(reason, f"event is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise Rejection(RejectReason.BAD_ENVELOPE, f"event must be a JSON object, got {type(obj).__name__}")
    try:
        return Envelope.model_validate(obj)
    except ValidationError as exc:
        raise Rejection(RejectReason.BAD_ENVELOPE, f"bad envelope: {_first_error(exc)}") from None


def read_data(event: Envelope) -> BaseModel:
    """The typed data of an event, upcast to the current version when older.

    An older version is validated as written, carried up by ``UPCASTERS`` and
    validated as the current model; a version newer than this code knows is refused.
    """
    current = CURRENT.get(event.type)
    if current is None:
        raise Rejection(RejectReason.UNKNOWN_EVENT_TYPE, f"unknown event type {event.type!r}")
    written = REGISTRY.get((event.type, event.version))
    if written is None:
        raise Rejection(
            RejectReason.UNSUPPORTED_VERSION,
            f"{event.type} version {event.version} is not known to this code (newest: {current})",
        )
    try:
        data = written.model_validate(event.data)
    except ValidationError as exc:
        raise Rejection(RejectReason.INVALID_FIELD, f"bad {event.type} data: {_first_error(exc)}") from None
    if event.version == current:
        return data
    upcast_data = upcast(event.type, event.data, event.version, current)
    try:
        return REGISTRY[(event.type, current)].model_validate(upcast_data)
    except ValidationError as exc:  # valid as written, invalid upcast: the upcaster is wrong
        exc.add_note(f"upcasting {event.type} v{event.version} to v{current} (event {event.id})")
        raise


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(root)"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {err['msg']}{more}"


def read_as(event: Envelope, model: type[M]) -> M:
    """The typed data of an event that must be of ``model``; ``Rejection`` otherwise."""
    data = read_data(event)
    if not isinstance(data, model):
        raise Rejection(RejectReason.UNKNOWN_EVENT_TYPE, f"expected {model.__name__}, got {event.type}")
    return data
