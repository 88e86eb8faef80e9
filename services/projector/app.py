"""Projector wiring: read every log stream from the stored position and fold batches into SQLite.

The projector reads with plain XREAD from the position saved in the read-model
store (not through a consumer group): positions are committed in the same
SQLite transaction as the read-model changes, so a restart resumes exactly
where the last commit ended and re-reading an entry changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import structlog
from faststream import FastStream
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage

from services.common import connection
from services.common.envelope import decode
from services.common.names import LOG_STREAMS
from services.common.rejection import Rejection
from services.common.settings import Settings
from services.common.stage import entry_payload
from services.common.worker import raw_batch
from services.projector.entries import LogEntry, Undecodable
from services.projector.store import ReadModelStore


def to_entry(stream: str, entry_id: bytes | str, fields: Mapping[bytes, bytes]) -> LogEntry | Undecodable:
    """Decode one stream entry for the projector; undecodable entries are kept as such, not raised."""
    eid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    try:
        return LogEntry(stream, eid, decode(entry_payload(fields)))
    except Rejection as fault:
        return Undecodable(stream, eid, f"{fault.reason.value}: {fault.message}")


def projector_app(settings: Settings) -> FastStream:
    """A FastStream app running the projector against the configured server."""
    url = connection.redis_url(settings)
    settings.readmodel_path.parent.mkdir(parents=True, exist_ok=True)
    store = ReadModelStore.open(settings.readmodel_path)
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
        log.info("projector starting", redis=connection.redact(url), store=str(settings.readmodel_path))
        try:
            yield
        finally:
            store.close()
            log.info("projector stopped")

    return FastStream(broker, lifespan=lifespan, logger=None)
