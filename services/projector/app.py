"""Projector wiring: read every log stream from the stored position and fold batches into SQLite.

The projector reads with plain XREAD from the position saved in the read-model
store (not through a consumer group): positions are committed in the same
SQLite transaction as the read-model changes, so a restart resumes exactly
where the last commit ended and re-reading an entry changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import structlog
from faststream import FastStream
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage

from services.common import connection
from services.common.names import LOG_STREAMS
from services.common.settings import Settings
from services.common.worker import raw_batch
from services.projector import generations
from services.projector.entries import to_entry
from services.projector.store import ReadModelStore


def projector_app(settings: Settings, path: Path | None = None) -> FastStream:
    """A FastStream app folding the log into the store at ``path`` (default: the live generation)."""
    url = connection.redis_url(settings)
    path = path or generations.current(settings)
    store = ReadModelStore.open(path)
    positions = store.positions()
    log = structlog.get_logger().bind(stage="projector")
    broker = RedisBroker(url, graceful_timeout=30.0, log_level=10)

    def handler(short: str) -> Callable[[RedisBatchStreamMessage], Awaitable[None]]:
        async def handle(msg: RedisBatchStreamMessage) -> None:
            raw: Any = msg.raw_message
            entries = [
                to_entry(short, eid, f) for eid, f in zip(raw["message_ids"], raw["data"], strict=True)
            ]
            applied = store.apply_batch(entries)
            log.debug("batch projected", stream=short, size=len(entries), applied=applied)

        return handle

    for short in LOG_STREAMS:
        sub = StreamSub(
            settings.names.stream(short),
            last_id=positions.get(short, "0-0"),
            batch=True,
            max_records=settings.batch_size * 5,
            polling_interval=settings.block_ms,
        )
        broker.subscriber(stream=sub, parser=raw_batch, title=f"projector-{short}")(handler(short))

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        log.info("projector starting", redis=connection.redact(url), store=str(path))
        try:
            yield
        finally:
            store.close()
            log.info("projector stopped")

    return FastStream(broker, lifespan=lifespan, logger=None)


async def run_projector(settings: Settings, *, check_every_s: float = 1.0) -> None:
    """Run the projector until SIGTERM/SIGINT, moving to a new generation when a rebuild switches to one."""
    log = structlog.get_logger().bind(stage="projector")
    while True:
        path = generations.current(settings)
        app = projector_app(settings, path)
        switched = asyncio.Event()

        async def watch(app: FastStream = app, path: Path = path, switched: asyncio.Event = switched) -> None:
            while generations.current(settings) == path:  # noqa: ASYNC110 - polls a file, not a task
                await asyncio.sleep(check_every_s)
            switched.set()
            app.exit()

        watcher = asyncio.create_task(watch())
        try:
            await app.run()
        finally:
            watcher.cancel()
        if not switched.is_set():
            return
        log.info(
            "read models switched; continuing on the new generation", store=str(generations.current(settings))
        )
