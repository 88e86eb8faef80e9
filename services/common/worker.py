"""Broker wiring shared by every stage: one FastStream app per stage process.

The app reads its stage's input stream through the stage's consumer group in
batches, turns each entry into an ``Outcome`` with the stage's pure logic, and
commits the batch atomically (outputs appended, inputs acknowledged). A second
subscriber reclaims entries left pending by consumers that died.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from faststream import AckPolicy, FastStream
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage

from services.common import connection
from services.common.committer import Committer
from services.common.settings import Settings
from services.common.stage import Stage, StageContext, outcome_for
from services.common.topology import ensure_topology


def consumer_name(stage: str) -> str:
    """Unique per process, stable for its lifetime: host and pid."""
    return f"{stage}-{socket.gethostname()}-{os.getpid()}"


def worker_app(stage: Stage, settings: Settings, *, consumer: str | None = None) -> FastStream:
    """A FastStream app running one process of ``stage``."""
    url = connection.redis_url(settings)
    names = settings.names
    consumer = consumer or consumer_name(stage.name)
    log = structlog.get_logger().bind(stage=stage.name, consumer=consumer)
    ctx = StageContext(
        names=names,
        stage=stage.name,
        version=stage.version,
        max_article_bytes=settings.max_article_bytes,
        raw_keep_bytes=settings.raw_keep_bytes,
    )
    broker = RedisBroker(url, graceful_timeout=30.0, log_level=10)
    stream, group = names.input_stream(stage.name), names.group(stage.name)
    client = connection.client(url)
    committer = Committer(client, stream, group)

    async def handle(msg: RedisBatchStreamMessage) -> None:
        raw = msg.raw_message
        outcomes = [outcome_for(stage, ctx, eid, fields) for eid, fields in zip(raw["message_ids"], raw["data"])]
        stats = await committer.commit(outcomes)
        log.debug("batch committed", size=len(outcomes), **stats)

    common = {"group": group, "consumer": consumer, "batch": True, "max_records": settings.batch_size}
    broker.subscriber(
        stream=StreamSub(stream, polling_interval=settings.block_ms, **common),  # type: ignore[call-overload]
        ack_policy=AckPolicy.MANUAL,
        title=f"{stage.name}",
    )(handle)
    broker.subscriber(
        stream=StreamSub(stream, min_idle_time=settings.claim_idle_ms, polling_interval=1000, **common),  # type: ignore[call-overload]
        ack_policy=AckPolicy.MANUAL,
        title=f"{stage.name}-reclaim",
    )(handle)

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        await ensure_topology(client, names)
        log.info("worker starting", redis=connection.redact(url), stream=stream, group=group)
        try:
            yield
        finally:
            await client.aclose()
            log.info("worker stopped")

    return FastStream(broker, lifespan=lifespan, logger=None)
