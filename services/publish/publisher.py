"""Append submissions to the ingest stream, pipelined, one event per entry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.common.envelope import encode, make_event, new_id
from services.common.names import EVENT_FIELD, STAGES, Names
from services.common.rejection import Rejection
from services.ingest.logic import validate
from services.publish.sources import Item


def producer_version() -> str:
    """The installed newsfacts version, written into what publishers send."""
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
    waited_s: float = 0.0
    warnings: list[tuple[str, str]] = field(default_factory=list)


async def backlog(client: Redis, names: Names) -> int:
    """Entries published but not yet read by their stage: the sum of every stage group's lag."""
    total = 0
    for stage in STAGES:
        try:
            groups = await client.xinfo_groups(names.input_stream(stage))
        except ResponseError:  # stream not created yet
            continue
        total += sum(int(g.get("lag") or 0) for g in groups if g["name"] == names.group(stage).encode())
    return total


async def wait_for_room(client: Redis, names: Names, limit: int, *, poll_s: float = 0.2) -> float:
    """Backpressure: wait while the pipeline's backlog exceeds ``limit``; return the seconds waited."""
    waited = 0.0
    while await backlog(client, names) > limit:
        await asyncio.sleep(poll_s)
        waited += poll_s
    return waited


async def publish(
    client: Redis, names: Names, items: Iterable[Item], *, chunk: int = 500, max_backlog: int | None = None
) -> PublishReport:
    """Publish items; valid ones as ``article.submitted`` envelopes, the rest raw so they are recorded.

    With ``max_backlog``, each chunk waits until the pipeline's unread backlog is at most that many
    entries, so a publisher faster than the workers cannot fill the server's memory.
    """
    report = PublishReport()
    stream = names.input_stream("ingest")
    producer = f"publish/{producer_version()}"
    pending: list[bytes] = []
    for item in items:
        payload = item.raw
        if item.article is None:
            problem = item.problem or "not a JSON object; ingest will record it as rejected"
            report.warnings.append((item.origin, problem))
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
            if max_backlog is not None:
                report.waited_s += await wait_for_room(client, names, max_backlog)
            await _send(client, stream, pending)
            report.sent += len(pending)
            pending = []
    if pending:
        if max_backlog is not None:
            report.waited_s += await wait_for_room(client, names, max_backlog)
        await _send(client, stream, pending)
        report.sent += len(pending)
    return report


async def _send(client: Redis, stream: str, payloads: list[bytes]) -> None:
    async with client.pipeline(transaction=False) as pipe:
        for payload in payloads:
            pipe.xadd(stream, {EVENT_FIELD: payload})
        await pipe.execute()
