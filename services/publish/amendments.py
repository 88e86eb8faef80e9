"""Retractions and corrections as publishers send them: envelopes appended to the submitted stream."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis

from services.common.envelope import Envelope, encode, make_event, new_id
from services.common.events.amendments import ArticleCorrectedV1, ArticleRetractedV1
from services.common.events.intake import RejectReason
from services.common.names import EVENT_FIELD, Names, text
from services.common.rejection import Rejection
from services.ingest.logic import correct
from services.publish.publisher import producer_version

#: What a correction file may set: the fields of a submission.
CONTENT_FIELDS = ("title", "body", "html", "url", "source", "published_at", "language")


def retraction(article_id: str, reason: str) -> Envelope:
    """An ``article.retracted`` request; ``Rejection`` if the id or reason is not acceptable."""
    return _event(
        "article.retracted", _valid(ArticleRetractedV1, {"article_id": article_id, "reason": reason})
    )


def correction(article_id: str, content: dict[str, Any], note: str) -> Envelope:
    """An ``article.corrected`` request carrying the whole new version.

    Checked here as ingest will check it (content present, URL and date readable), so a
    bad correction is refused at once instead of being recorded as rejected.
    """
    fields = {k: content[k] for k in CONTENT_FIELDS if content.get(k) is not None}
    data = _valid(ArticleCorrectedV1, {"article_id": article_id, **fields, "note": note})
    correct(data)
    return _event("article.corrected", data)


def _valid(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    try:
        return model.model_validate(fields, strict=True)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise Rejection(RejectReason.INVALID_FIELD, f"{where}: {err['msg']}") from None


def _event(event_type: str, data: ArticleRetractedV1 | ArticleCorrectedV1) -> Envelope:
    return make_event(
        event_type,
        data,
        source="newsfacts/publish",
        stageversion=f"publish/{producer_version()}",
        subject=data.article_id,
        correlationid=new_id(),
        causationid=None,
    )


async def send(client: Redis, names: Names, event: Envelope) -> str:
    """Append the request to the submitted stream, where ingest validates it; its entry id."""
    entry_id = await client.xadd(names.input_stream("ingest"), {EVENT_FIELD: encode(event)})
    return text(entry_id)
