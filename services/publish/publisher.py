"""Append submissions to the ingest stream, pipelined, one event per entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from redis.asyncio import Redis

from services.common.envelope import encode, make_event, new_id
from services.common.names import EVENT_FIELD, Names
from services.common.rejection import Rejection
from services.ingest.logic import validate
from services.publish.sources import Item


def _version() -> str:
    try:
        return version("newsfacts")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


@dataclass(slots=True)
class PublishReport:
    """What was sent; ``warnings`` lists items that ingest will reject, and why."""

    sent: int = 0
    event_ids: list[str] = field(default_factory=list)
    correlation_ids: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


async def publish(client: Redis, names: Names, items: Iterable[Item], *, chunk: int = 500) -> PublishReport:
    """Publish items; valid ones as ``article.submitted`` envelopes, the rest raw so they are recorded."""
    report = PublishReport()
    stream = names.input_stream("ingest")
    producer = f"publish/{_version()}"
    pending: list[bytes] = []
    for item in items:
        payload = item.raw
        if item.article is None:
            report.warnings.append((item.origin, "not a JSON object; ingest will record it as rejected"))
        else:
            try:
                data = validate(item.article)
            except Rejection as fault:
                report.warnings.append((item.origin, f"{fault.message}; ingest will record it as rejected"))
            else:
                event = make_event(
                    "article.submitted",
                    data,
                    source="newsfacts/publish",
                    stageversion=producer,
                    subject=None,
                    correlationid=new_id(),
                    causationid=None,
                )
                payload = encode(event)
                report.event_ids.append(event.id)
                report.correlation_ids.append(event.correlationid)
        pending.append(payload)
        if len(pending) >= chunk:
            await _send(client, stream, pending)
            report.sent += len(pending)
            pending = []
    if pending:
        await _send(client, stream, pending)
        report.sent += len(pending)
    return report


async def _send(client: Redis, stream: str, payloads: list[bytes]) -> None:
    async with client.pipeline(transaction=False) as pipe:
        for payload in payloads:
            pipe.xadd(stream, {EVENT_FIELD: payload})
        await pipe.execute()
