"""Broker wiring shared by every stage: one FastStream app per stage process.

The broker reads the stage's input stream through the stage's consumer group in
batches, turns each entry into an ``Outcome`` with the stage's pure logic, and
hands the batch to a ``Sink`` that commits it atomically (outputs appended,
inputs acknowledged). A second subscriber reclaims entries left pending by
consumers that died.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

import structlog
from faststream import AckPolicy, FastStream
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage
from redis.asyncio import Redis
from redis.exceptions import ConnectionError, OutOfMemoryError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.archive import open_archive
from services.common import connection, identity
from services.common.committer import Committer, Outcome
from services.common.consumers import prune_forever
from services.common.deadletter import DeadLetterQueue, Failure
from services.common.logging import BROKER_LOGGER, STOPPING
from services.common.names import STAGE_INPUT, text
from services.common.reprocess import request_target, resolve
from services.common.settings import Settings
from services.common.stage import Stage, StageContext, entry_payload, outcome_for
from services.common.topology import ensure_topology
from services.telemetry import StageMeter, serving


class Sink(Protocol):
    """Where a batch goes: Redis in production, a recorder in component tests."""

    async def commit(self, outcomes: list[Outcome]) -> list[str]:
        """Commit outcomes atomically, one by one; return each one's status ('parked' when held back)."""

    async def fail(self, failures: list[Failure]) -> int:
        """Dead-letter the permanent failures and those out of retries; return how many."""

    async def fetch(self, entry_ids: list[str]) -> dict[str, Mapping[bytes, bytes]]:
        """Entries of the stage's input stream by id (for reprocess requests); missing ones are left out."""


class RedisSink:
    """The production sink: the atomic committer plus the stage's dead-letter queue."""

    def __init__(
        self, client: Redis, stream: str, committer: Committer, dlq: DeadLetterQueue, max_deliveries: int,
        archived: Callable[[list[str]], Mapping[str, Mapping[bytes, bytes]]] | None = None,
    ) -> None:  # fmt: skip
        self._client = client
        self._stream = stream
        self._committer = committer
        self._dlq = dlq
        self._max = max_deliveries
        self._archived = archived

    async def fetch(self, entry_ids: list[str]) -> dict[str, Mapping[bytes, bytes]]:
        """Entries by id from the stream, else (trimmed from Redis) from the archive."""
        async with self._client.pipeline(transaction=False) as pipe:
            for eid in entry_ids:
                pipe.xrange(self._stream, min=eid, max=eid, count=1)
            found: list[Any] = await pipe.execute()
        hot = {eid: rows[0][1] for eid, rows in zip(entry_ids, found, strict=True) if rows}
        cold = [eid for eid in entry_ids if eid not in hot]
        if cold and self._archived is not None:
            hot.update(await asyncio.to_thread(self._archived, cold))
        return hot

    async def commit(self, outcomes: list[Outcome]) -> list[str]:
        return await self._committer.commit(outcomes)

    async def fail(self, failures: list[Failure]) -> int:
        attempts = await self._dlq.deliveries(f.entry_id for f in failures)
        due = [f for f in failures if f.permanent or attempts.get(text(f.entry_id), 1) >= self._max]
        try:
            await self._dlq.bury(due, {eid: min(n, self._max) for eid, n in attempts.items()})
            await self._dlq.hold([f for f in failures if f not in due])
        except OutOfMemoryError:
            # The dead-letter write itself is refused: keep them pending at one delivery short of the
            # limit, so the next delivery (once memory returns) dead-letters them with an honest count.
            await self._dlq.defer(due, self._max - 1)
            structlog.get_logger().warning(
                "server out of memory: dead-lettering deferred until it has room", entries=len(due)
            )
            return 0
        return len(due)


async def raw_batch(msg: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """Parse a batch without decoding its entries: handlers read ``raw_message`` themselves.

    FastStream's own batch parser re-encodes every entry as JSON, which costs time
    and raises on one non-UTF-8 entry, leaving the whole batch pending forever.
    Only the first entry is parsed (the test broker needs its headers).
    """
    try:
        parsed = await original({**msg, "data": msg["data"][:1]})
    except Exception:  # noqa: BLE001 - the handler turns a bad entry into a rejection itself
        parsed = await original({**msg, "data": []})
    parsed.raw_message = msg
    return parsed


def consumer_name(stage: str) -> str:
    """Unique per process, stable for its lifetime: host and pid."""
    return f"{stage}-{socket.gethostname()}-{os.getpid()}"


def stage_context(stage: Stage, settings: Settings) -> StageContext:
    return StageContext(
        names=settings.names,
        stage=stage.name,
        version=stage.version,
        max_article_bytes=settings.max_article_bytes,
        max_event_bytes=settings.max_event_bytes,
        raw_keep_bytes=settings.raw_keep_bytes,
    )


def build_broker(
    url: str, stage: Stage, settings: Settings, sink: Sink, consumer: str, middlewares: Sequence[Any] = ()
) -> RedisBroker:
    """A broker with the stage's two subscribers (new entries, and reclaimed ones) wired to ``sink``."""
    ctx = stage_context(stage, settings)
    names = settings.names
    log = structlog.get_logger().bind(stage=stage.name, consumer=consumer)
    # Our own stdlib logger: FastStream then adds no handler of its own, and ours renders its records.
    broker = RedisBroker(
        url,
        graceful_timeout=30.0,
        logger=logging.getLogger(BROKER_LOGGER),
        log_level=10,
        middlewares=middlewares,
    )
    stream, group = names.input_stream(stage.name), names.group(stage.name)

    async def handle(msg: RedisBatchStreamMessage) -> None:
        data = msg.raw_message["data"]
        ids = msg.raw_message["message_ids"] or [b""] * len(data)  # TestRedisBroker gives no ids
        entries = await resolve(list(zip(ids, data, strict=True)), sink.fetch)
        results = [_unresolved(eid, f) or outcome_for(stage, ctx, eid, f) for eid, f in entries]
        failures = [r for r in results if isinstance(r, Failure)]
        before, after = _around_failures(results)
        statuses = await sink.commit(before)
        # Failing entries hold their articles first, so the articles' later entries wait behind them.
        buried = await sink.fail(failures) if failures else 0
        statuses += await sink.commit(after)
        for f in failures:
            log.error(
                "entry failed",
                entry_id=text(f.entry_id),
                article_id=f.subject,
                reason=f.reason,
                error=f.error,
            )
        log.debug("batch committed", size=len(results), dead_lettered=buried, **Counter(statuses))

    new = StreamSub(
        stream,
        group=group,
        consumer=consumer,
        batch=True,
        max_records=settings.batch_size,
        polling_interval=settings.block_ms,
    )
    reclaim = StreamSub(
        stream,
        group=group,
        consumer=consumer,
        batch=True,
        max_records=settings.batch_size,
        polling_interval=1000,
        min_idle_time=settings.claim_idle_ms,
    )
    for sub, title in ((new, stage.name), (reclaim, f"{stage.name}-reclaim")):
        broker.subscriber(stream=sub, ack_policy=AckPolicy.MANUAL, parser=raw_batch, title=title)(handle)
    return broker


def worker_app(
    stage: Stage, settings: Settings, *, consumer: str | None = None, meter: StageMeter | None = None
) -> FastStream:
    """A FastStream app running one process of ``stage`` on the configured server, counted by ``meter``."""
    url = connection.redis_url(settings)
    names = settings.names
    consumer = consumer or consumer_name(stage.name)
    client = connection.client(url)
    stream, group = names.input_stream(stage.name), names.group(stage.name)
    archive = open_archive(settings)
    short = STAGE_INPUT[stage.name]
    meter = meter or StageMeter(stage.name)
    sink = RedisSink(
        client,
        stream,
        Committer(client, names, stage.name),
        DeadLetterQueue(client, names, stage.name, group),
        settings.max_deliveries,
        lambda ids: {eid: fields for eid, (_, fields) in archive.find(short, 0, ids).items()},
    )
    broker = build_broker(url, stage, settings, meter.wrap(sink), consumer, meter.middlewares())
    log = structlog.get_logger().bind(stage=stage.name, consumer=consumer)

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        try:
            STOPPING.clear()
            await identity.bind(client, settings)  # before any stream exists: a new log is not adopted
            await ensure_topology(client, names)
            await client.sadd(names.guard_versions(stage.name), stage.version)  # the archiver drops guards
            stage.warm_up()
            log.info("worker starting", redis=connection.redact(url), stream=names.input_stream(stage.name))
            pruner = asyncio.create_task(
                prune_forever(client, stream, group, settings.consumer_prune_ms, consumer, log)
            )
            try:
                yield
            finally:
                pruner.cancel()
            await _leave_group(client, stream, group, consumer)
        finally:
            await client.aclose()
            log.info("worker stopped")

    def stopping() -> None:
        STOPPING.set()  # from here a dropped connection is part of the stop, not a fault

    return FastStream(
        broker,
        lifespan=lifespan,
        logger=None,
        after_startup=[meter.started],
        on_shutdown=[meter.stopping, stopping],
    )


async def _leave_group(client: Redis, stream: str, group: str, consumer: str) -> None:
    """On a clean stop, leave the group unless this consumer still holds entries (others reclaim those)."""
    try:
        held = await client.xpending_range(stream, group, min="-", max="+", count=1, consumername=consumer)
        if not held:
            await client.xgroup_delconsumer(stream, group, consumer)
    except (ConnectionError, ResponseError, OSError):  # the server is gone: nothing to tidy
        pass


def _around_failures(results: list[Outcome | Failure]) -> tuple[list[Outcome], list[Outcome]]:
    """Outcomes to commit before a failure is handled, and those of its article that come after it."""
    first_failure: dict[str, int] = {}
    for n, r in enumerate(results):
        if isinstance(r, Failure) and r.subject and r.subject not in first_failure:
            first_failure[r.subject] = n
    before: list[Outcome] = []
    after: list[Outcome] = []
    for n, r in enumerate(results):
        if isinstance(r, Outcome):
            later = r.subject is not None and n > first_failure.get(r.subject, n)
            (after if later else before).append(r)
    return before, after


def _unresolved(entry_id: bytes, fields: Mapping[bytes, bytes]) -> Failure | None:
    """A reprocess request still standing after resolution points at an entry that is not there."""
    target = request_target(fields)
    if target is None:
        return None
    return Failure(
        entry_id, entry_payload(fields), None, "not_found", f"no entry {target} to reprocess", True
    )


async def run_stage(stage: Stage, settings: Settings) -> None:
    """Run a stage until SIGTERM/SIGINT, with its metrics and probes served when a port is set."""
    meter = StageMeter(stage.name)  # one for the process: counts survive a recreated group
    probes = meter.probes(settings.names.input_stream(stage.name), settings.names.group(stage.name))
    async with serving(settings, probes):
        await _restarting(stage, settings, meter)


async def _restarting(stage: Stage, settings: Settings, meter: StageMeter) -> None:
    """Run the stage; if its consumer group vanishes (stream deleted, server
    flushed), recreate it and carry on rather than stop silently.

    Recreating the group from the start of the stream is safe: the commit guard makes every entry
    already processed append nothing.
    """
    consumer = consumer_name(stage.name)
    log = structlog.get_logger().bind(stage=stage.name, consumer=consumer)
    pause = 0.5
    while True:
        try:
            await worker_app(stage, settings, consumer=consumer, meter=meter).run()
        except (ConnectionError, RedisTimeoutError, OSError) as exc:
            if not STOPPING.is_set():
                raise
            # A SIGTERM during the start cancels the subscribers mid-command: still a clean stop.
            log.warning("connection lost while stopping", error=str(exc))
            return
        if not await _group_missing(settings, stage):
            return
        log.warning(
            "consumer group vanished; recreating it and restarting", group=settings.names.group(stage.name)
        )
        await asyncio.sleep(pause)  # a group that keeps vanishing must not make a hot loop
        pause = min(pause * 2, 30.0)


async def _group_missing(settings: Settings, stage: Stage) -> bool:
    """Whether the stage's group is gone; False when that cannot be told (the worker then just stops)."""
    client = connection.client(connection.redis_url(settings))
    try:
        groups = await client.xinfo_groups(settings.names.input_stream(stage.name))
    except ResponseError:  # the stream itself is gone
        return True
    except (ConnectionError, RedisTimeoutError, OSError) as exc:
        # A stop that raced the start can leave the check without a connection: that is still a stop.
        structlog.get_logger().bind(stage=stage.name).warning("consumer group not checked", error=str(exc))
        return False
    finally:
        await client.aclose()
    return settings.names.group(stage.name).encode() not in {g["name"] for g in groups}
