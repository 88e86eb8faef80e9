"""A server out of memory (maxmemory, noeviction) on a real embedded server: clear, honest, nothing lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from services.classify import stage as classify
from services.common.deadletter import list_dead
from services.common.server import running
from services.common.settings import Settings
from services.common.worker import worker_app
from tests.support import cli_env, eventually
from tests.support import running as apps_running

pytestmark = pytest.mark.redis


def _on(own_server: Settings, **changes: object) -> Settings:
    """Settings naming the test's own server by URL."""
    server = running(own_server)
    assert server is not None
    return Settings(REDIS_URL=server.url, data_dir=own_server.data_dir, prefix="oom", **changes)


@pytest.fixture
async def full(own_server: Settings) -> AsyncIterator[aioredis.Redis]:
    """A client of the test's own server; its memory limit is lifted again afterwards."""
    url = _on(own_server).redis_url
    assert url is not None
    client = aioredis.Redis.from_url(url.get_secret_value())
    await client.config_set("maxmemory-policy", "noeviction")
    yield client
    await client.config_set("maxmemory", 0)
    await client.aclose()


async def _oom_errors(client: aioredis.Redis) -> int:
    stats = await client.info("errorstats")
    return int(stats.get("errorstat_OOM", {}).get("count", 0))


async def test_publish_under_oom_says_so_in_one_line_with_its_own_exit_code(
    own_server: Settings, full: aioredis.Redis
) -> None:
    """Exit 6 and one line naming the cause and what to do; no traceback."""
    await full.config_set("maxmemory", 1)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.cli", "publish", "-"],
        input=b'{"title": "Full", "body": "The server has no room."}',
        capture_output=True,
        env=cli_env(_on(own_server)),
        timeout=60,
    )
    err = done.stderr.decode()
    assert done.returncode == 6, err
    assert err.count("\n") == 1 and "out of memory" in err and "Traceback" not in err


async def test_deliveries_stay_within_the_limit_while_the_dead_letter_write_is_refused(
    own_server: Settings, full: aioredis.Redis
) -> None:
    """During OOM the failing entry is delivered at most max_deliveries times; once memory returns it is
    dead-lettered once, with an honest count."""
    settings = _on(own_server, max_deliveries=3, claim_idle_ms=100)
    stream = settings.names.input_stream("classify")
    async with apps_running(worker_app(classify.STAGE, settings, consumer="w")):
        await eventually(lambda: _has_group(full, stream), "the worker's group")
        async with full.pipeline(transaction=True) as pipe:  # the entry and the memory limit at once
            pipe.xadd(stream, {"no-event-field": b"1"})  # a permanent fault: dead-lettered at once
            pipe.config_set("maxmemory", 1)
            await pipe.execute()
        before = await _oom_errors(full)

        async def refused_often() -> bool:
            return await _oom_errors(full) >= before + 2 * settings.max_deliveries

        await eventually(refused_often, "twice max_deliveries refused dead-letter writes", within=20)
        [row] = await full.xpending_range(stream, "classify", min="-", max="+", count=1)
        assert row["times_delivered"] <= settings.max_deliveries
        await full.config_set("maxmemory", 0)

        async def buried() -> bool:
            return len(await list_dead(full, settings.names)) == 1

        await eventually(buried, "the dead letter once memory returns")
    [letter] = await list_dead(full, settings.names)
    assert letter.attempts <= settings.max_deliveries
    assert await full.xpending(stream, "classify") == {
        "pending": 0,
        "min": None,
        "max": None,
        "consumers": [],
    }


async def _has_group(client: aioredis.Redis, stream: str) -> bool:
    try:
        return bool(await client.xinfo_groups(stream))
    except aioredis.ResponseError:
        return False
