"""Ingest stage: submissions in; article.ingested, article.duplicate or article.rejected out.

Amendments come in the same way: a retraction is validated and re-emitted as the
``article.retracted`` fact; a correction is accepted like a submission, under its
article's id, with the same exact-duplicate guard.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from services.common.committer import Guard
from services.common.envelope import Envelope, decode, derived_id, now_rfc3339, read_as, read_data, schema_urn
from services.common.events import CURRENT, REGISTRY
from services.common.events.amendments import ArticleCorrectedV1, ArticleRetractedV1
from services.common.events.intake import ArticleDuplicateV1, ArticleIngestedV1
from services.common.names import Names
from services.common.stage import Result, Stage, StageContext
from services.ingest import VERSION
from services.ingest.logic import correct, ingest, parse_submission, validate


def read_submission(raw: bytes, entry_id: str, ctx: StageContext) -> Envelope:
    """An ``article.submitted`` envelope, or a bare article JSON wrapped in one."""
    obj = parse_submission(raw, ctx.max_article_bytes)
    if "specversion" in obj:
        return decode(raw)
    validate(obj)
    return bare_submission(obj, entry_id, ctx.names)


def bare_submission(article: dict[str, object], entry_id: str, names: Names) -> Envelope:
    """The ``article.submitted`` envelope a bare article JSON (e.g. XADD by hand) stands for.

    Its identity and time are its stream entry's, so a redelivery reads as the same submission,
    and the projector, reading the same entry, derives the very same event. Not validated here.
    """
    origin = f"{names.input_stream('ingest')}:{entry_id}"
    return Envelope(
        id=derived_id(origin, "submission", "article.submitted"),
        source="newsfacts/ingest",
        type="article.submitted",
        subject=None,
        time=_entry_time(entry_id),
        dataschema=schema_urn("article.submitted", CURRENT["article.submitted"]),
        correlationid=derived_id(origin, "correlation", ""),
        causationid=None,
        stageversion=f"ingest/{VERSION}",
        data=article,
    )


def bare_article(raw: bytes, entry_id: str, names: Names) -> Envelope | None:
    """The submission of a bare article entry of the submitted stream; None if it is not one."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or "specversion" in obj:
        return None
    return bare_submission(obj, entry_id, names)


def _entry_time(entry_id: str) -> str:
    """When a stream entry was added (its id's milliseconds), as RFC 3339; now for an id without them."""
    ms = entry_id.partition("-")[0]
    if not ms.isdigit():  # the test broker gives no ids
        return now_rfc3339()
    when = datetime.fromtimestamp(int(ms) / 1000, UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def process(event: Envelope, ctx: StageContext) -> Result:
    if (event.type, event.version) not in REGISTRY:
        read_data(event)  # raises unsupported_version: a newer schema's fields must not be read as v1
    if event.type == "article.retracted":
        retraction = read_as(event, ArticleRetractedV1)
        return Result([ctx.derive(event, event.type, retraction, subject=retraction.article_id)])
    if event.type == "article.corrected":
        return _accept(event, correct(read_as(event, ArticleCorrectedV1)), ctx)
    return _accept(event, ingest(validate(event.data)), ctx)


def _accept(event: Envelope, article: ArticleIngestedV1, ctx: StageContext) -> Result:
    """The article, unless its id already has this exact content: then a duplicate notice instead."""
    accepted = ctx.derive(event, "article.ingested", article, subject=article.article_id)
    duplicate = ctx.derive(
        event,
        "article.duplicate",
        ArticleDuplicateV1(article_id=article.article_id, content_hash=article.content_hash),
        subject=article.article_id,
    )
    guard = Guard(ctx.names.fingerprints(), f"{article.article_id}:{article.content_hash}", event.id)
    return Result([accepted], guard=guard, otherwise=[duplicate])


STAGE = Stage(
    name="ingest",
    version=VERSION,
    accepts=frozenset({"article.submitted", "article.retracted", "article.corrected"}),
    process=process,
    read=read_submission,
    internal=False,
)
