"""The projector on a real server: restarts resume without double counting; bad entries are skipped."""

from __future__ import annotations

import asyncio
import random
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from pydantic import SecretStr

from services.common.envelope import decode, encode
from services.common.names import EVENT_FIELD, LOG_STREAMS
from services.common.settings import Settings
from services.projector import queries
from services.projector.app import projector_app
from services.projector.store import ReadModelStore
from services.projector.synthetic import article_events, synthetic_spec

pytestmark = pytest.mark.redis

WITHIN_S = 15.0


@asynccontextmanager
async def projecting(settings: Settings) -> AsyncIterator[None]:
    """A projector app runs as a task for the block's duration, then stops gracefully."""
    app = projector_app(settings)
    task = asyncio.create_task(app.run())
    try:
        yield
    finally:
        app.exit()
        await task


async def append_articles(redis: aioredis.Redis, settings: Settings, first: int, count: int) -> None:
    """XADD every stage's event for ``count`` made-up articles, as the workers would have."""
    rng = random.Random(first)
    for n in range(first, first + count):
        for short, event in article_events(synthetic_spec(n, rng)):
            await redis.xadd(settings.names.stream(short), {EVENT_FIELD: encode(event)})


async def last_ids(redis: aioredis.Redis, settings: Settings) -> dict[str, str]:
    """Stream short name -> id of its last entry ('0-0' when empty), as ``store.positions()`` spells it."""
    ids = {}
    for short in LOG_STREAMS:
        last = await redis.xrevrange(settings.names.stream(short), count=1)
        ids[short] = last[0][0].decode() if last else "0-0"
    return ids


def stored_positions(path: Path) -> dict[str, str]:
    """The positions the store has committed, read without disturbing the projector."""
    with closing(queries.connect_readonly(path)) as conn:
        rows = conn.execute("SELECT stream, ms, seq FROM positions").fetchall()
    return {short: "0-0" for short in LOG_STREAMS} | {s: f"{ms}-{seq}" for s, ms, seq in rows}


async def caught_up(redis: aioredis.Redis, settings: Settings) -> None:
    """Wait until the store's positions reach the end of every log stream."""
    deadline = time.monotonic() + WITHIN_S
    while stored_positions(settings.readmodel_path) != await last_ids(redis, settings):
        assert time.monotonic() < deadline, f"the projector did not catch up within {WITHIN_S}s"
        await asyncio.sleep(0.05)


async def logged_types(redis: aioredis.Redis, settings: Settings) -> Counter[str]:
    """How many events of each type the log holds."""
    types: Counter[str] = Counter()
    for short in LOG_STREAMS:
        for _, fields in await redis.xrange(settings.names.stream(short)):
            types[decode(fields[EVENT_FIELD.encode()]).type] += 1
    return types


async def test_a_restarted_projector_resumes_where_it_stopped_without_double_counting(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A projector stopped, then a new one started after more arrived: every event counts exactly once."""
    await append_articles(redis, settings, 0, 3)
    async with projecting(settings):
        await caught_up(redis, settings)
        await append_articles(redis, settings, 3, 1)  # arriving while it runs
        await caught_up(redis, settings)

    await append_articles(redis, settings, 4, 2)  # arriving while it is down
    async with projecting(settings):
        await caught_up(redis, settings)

    with ReadModelStore.open(settings.readmodel_path) as store:
        counters = queries.counters(store.connection)
        positions = store.positions()
        articles = store.connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert counters == dict(await logged_types(redis, settings))
    assert set(counters.values()) == {6}
    assert positions == await last_ids(redis, settings)
    assert articles == 6


async def test_a_fresh_store_fed_the_same_log_has_the_same_checksum(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """A store built across a restart and one built from the whole log in one go hold the same read models."""
    await append_articles(redis, settings, 0, 2)
    async with projecting(settings):
        await caught_up(redis, settings)
    await append_articles(redis, settings, 2, 2)
    async with projecting(settings):
        await caught_up(redis, settings)

    fresh = settings.model_copy(update={"data_dir": tmp_path / "fresh"})
    async with projecting(fresh):
        await caught_up(redis, fresh)

    assert fresh.readmodel_path != settings.readmodel_path
    with (
        ReadModelStore.open(settings.readmodel_path) as restarted,
        ReadModelStore.open(fresh.readmodel_path) as replayed,
    ):
        assert replayed.positions() == restarted.positions()
        assert replayed.checksum() == restarted.checksum()
        assert queries.counters(replayed.connection)["article.indexed"] == 4


async def test_an_undecodable_entry_is_skipped_and_the_projector_goes_on(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Entries that are not events (bad UTF-8, bad JSON, no event field) are recorded as skipped."""
    names = settings.names
    async with projecting(settings):
        await append_articles(redis, settings, 0, 1)
        not_utf8 = await redis.xadd(names.stream("submitted"), {EVENT_FIELD: b"\xff\xfe garbage"})
        not_json = await redis.xadd(names.stream("cleaned"), {EVENT_FIELD: b'{"specversion": oops'})
        no_field = await redis.xadd(names.stream("indexed"), {"article": b"{}"})
        await append_articles(redis, settings, 1, 1)
        await caught_up(redis, settings)

    with closing(queries.connect_readonly(settings.readmodel_path)) as conn:
        skipped = conn.execute("SELECT stream, entry_id, event_id, reason FROM skipped ORDER BY stream")
        rows = [
            (stream, entry_id, event_id, reason.split(":")[:2])
            for stream, entry_id, event_id, reason in skipped
        ]
        counters = queries.counters(conn)
        indexed = conn.execute("SELECT count(*) FROM outcomes WHERE outcome = 'indexed'").fetchone()[0]
    assert rows == [
        ("cleaned", not_json.decode(), None, ["undecodable", " malformed_json"]),
        ("indexed", no_field.decode(), None, ["undecodable", " malformed_json"]),
        ("submitted", not_utf8.decode(), None, ["undecodable", " not_utf8"]),
    ]
    assert counters["skipped"] == 3
    assert counters["article.submitted"] == 2, "valid entries around the bad ones are applied"
    assert indexed == 2


async def test_exit_stops_a_projector_blocked_on_an_idle_log_at_once(settings: Settings) -> None:
    """exit() gives up a blocking read instead of waiting for it to time out."""
    idle = settings.model_copy(update={"block_ms": 60_000})
    app = projector_app(idle)
    task = asyncio.create_task(app.run())
    await asyncio.sleep(0)  # let it start and block
    app.exit()
    await asyncio.wait_for(task, timeout=5.0)  # a 60 s block would fail this


async def test_an_unreachable_server_is_retried_not_fatal(settings: Settings, tmp_path: Path) -> None:
    """With the server gone the projector keeps retrying (no crash) and still stops cleanly."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gone = settings.model_copy(update={"redis_url": SecretStr(f"redis://127.0.0.1:{port}/0")})
    app = projector_app(gone)
    task = asyncio.create_task(app.run())
    await asyncio.sleep(0.5)  # several attempts at 0.1 s, 0.2 s, ...
    assert not task.done()
    app.exit()
    await asyncio.wait_for(task, timeout=5.0)
