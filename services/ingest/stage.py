"""Ingest stage: submissions in; article.ingested, article.duplicate or article.rejected out."""

from __future__ import annotations

from services.common.committer import Guard
from services.common.envelope import Envelope, decode, derived_id, make_event, read_data
from services.common.events import REGISTRY
from services.common.events.intake import ArticleDuplicateV1
from services.common.stage import Result, Stage, StageContext
from services.ingest import VERSION
from services.ingest.logic import ingest, parse_submission, validate


def read_submission(raw: bytes, entry_id: str, ctx: StageContext) -> Envelope:
    """An ``article.submitted`` envelope, or a bare article JSON wrapped in one."""
    obj = parse_submission(raw, ctx.max_article_bytes)
    if "specversion" in obj:
        return decode(raw)
    # A bare article (e.g. XADD by hand): its identity is its stream entry, so redelivery is recognised.
    origin = f"{ctx.names.input_stream('ingest')}:{entry_id}"
    return make_event(
        "article.submitted",
        validate(obj),
        source="newsfacts/ingest",
        stageversion=f"ingest/{VERSION}",
        subject=None,
        correlationid=derived_id(origin, "correlation", ""),
        causationid=None,
        event_id=derived_id(origin, "submission", "article.submitted"),
    )


def process(event: Envelope, ctx: StageContext) -> Result:
    if (event.type, event.version) not in REGISTRY:
        read_data(event)  # raises unsupported_version: a newer schema's fields must not be read as v1
    article = ingest(validate(event.data))
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
    accepts=frozenset({"article.submitted"}),
    process=process,
    read=read_submission,
    internal=False,
)
