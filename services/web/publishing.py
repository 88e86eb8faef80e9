"""``POST /api/articles``: one article, checked as ``newsfacts publish`` and ingest check it, then sent."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from redis.asyncio import Redis

from services.common.rejection import Rejection
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.ingest.logic import ingest, parse_submission, validate
from services.publish.publisher import publish
from services.publish.sources import Item


@dataclass(frozen=True, slots=True)
class Published:
    """What was appended: the article id ingest will give it, and the submission's ids."""

    article_id: str
    event_id: str
    correlation_id: str


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is larger than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is {declared} bytes; the limit is {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the body is over the limit of {limit} bytes")
    return bytes(body)


def check(raw: bytes, settings: Settings) -> str:
    """The article id of a valid submission; 422 with ingest's reason code and message otherwise."""
    try:
        article = ingest(validate(parse_submission(raw, settings.max_article_bytes)))
    except Rejection as fault:
        raise HTTPException(422, {"reason": fault.reason.value, "message": fault.message}) from None
    return article.article_id


async def publish_one(client: Redis, settings: Settings, raw: bytes) -> Published:
    """Check ``raw`` and append it to the input stream as ``article.submitted``."""
    article_id = check(raw, settings)
    await ensure_topology(client, settings.names)
    item = Item("api", parse_submission(raw, settings.max_article_bytes), raw)
    report = await publish(client, settings.names, [item])
    return Published(article_id, report.event_ids[0], report.correlation_ids[0])
