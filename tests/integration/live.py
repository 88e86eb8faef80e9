"""Running stage workers and the projector in-process on a real server, for the replay tests."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, closing
from typing import TypeVar

import orjson
import redis.asyncio as aioredis
from faststream import FastStream

from services.common.names import LOG_STREAMS, text
from services.common.settings import Settings
from services.common.stage import Stage
from services.common.status import stream_status
from services.common.worker import worker_app
from services.projector import queries
from services.projector.app import projector_app
from services.publish.sources import Item
from tests.support import running

T = TypeVar("T")
WITHIN_S = 60.0


def item(origin: str, **article: str) -> Item:
    """One article to publish."""
    return Item(origin, dict(article), orjson.dumps(article))


@asynccontextmanager
async def pipeline(settings: Settings, stages: Iterable[Stage]) -> AsyncIterator[None]:
    """A worker per stage and the projector run for the block's duration, then stop gracefully."""
    apps: list[FastStream] = [worker_app(stage, settings, consumer="w") for stage in stages]
    async with running(*apps, projector_app(settings)):
        yield


def read(settings: Settings, query: Callable[[sqlite3.Connection], T]) -> T | None:
    """``query`` on the live read models; None while the projector has not made them yet."""
    if not settings.readmodel_path.exists():
        return None
    with closing(queries.connect_readonly(settings.readmodel_path)) as conn:
        try:
            return query(conn)
        except sqlite3.OperationalError:
            return None


async def until(check: Callable[[], object], what: str, within: float = WITHIN_S) -> None:
    """Poll ``check`` until it is truthy; fail naming ``what`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"timed out after {within}s waiting for {what}"
        await asyncio.sleep(0.05)


def ended(settings: Settings, correlation_ids: list[str]) -> bool:
    """Every one of these submissions has an outcome in the read models."""
    return read(settings, lambda conn: queries.outcomes(conn, correlation_ids)) == len(correlation_ids)


async def lengths(client: aioredis.Redis, settings: Settings) -> dict[str, int]:
    """Entries per log stream."""
    return {short: int(await client.xlen(settings.names.stream(short))) for short in LOG_STREAMS}


async def drained(client: aioredis.Redis, settings: Settings) -> bool:
    """No stage has anything unread or pending, and the projector has applied every stream's end."""
    for row in await stream_status(client, settings.names):
        if any(g.lag != 0 or g.pending for g in row.groups):
            return False
    ends = {}
    for short in LOG_STREAMS:
        last = await client.xrevrange(settings.names.stream(short), count=1)
        ends[short] = text(last[0][0]) if last else "0-0"
    stored = read(settings, lambda conn: dict(conn.execute("SELECT stream, ms || '-' || seq FROM positions")))
    return stored is not None and all(stored.get(s, "0-0") == end for s, end in ends.items())
