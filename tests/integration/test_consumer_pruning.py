"""Consumers left behind by killed workers are removed; live ones and those holding entries stay."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from services.classify import stage as classify
from services.common.consumers import prune_idle
from services.common.names import text
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.common.worker import worker_app
from tests.support import eventually, running

pytestmark = pytest.mark.redis


@pytest.fixture
async def classify_group(redis: aioredis.Redis, settings: Settings) -> tuple[str, str]:
    """The classify stage's input stream and group, created."""
    await ensure_topology(redis, settings.names)
    return settings.names.input_stream("classify"), settings.names.group("classify")


async def _consumers(redis: aioredis.Redis, stream: str, group: str) -> dict[str, int]:
    return {text(c["name"]): int(c["idle"]) for c in await redis.xinfo_consumers(stream, group)}


async def test_idle_consumers_holding_nothing_are_pruned_and_the_rest_kept(
    redis: aioredis.Redis, classify_group: tuple[str, str]
) -> None:
    """A ghost (idle, nothing pending) goes; one holding an entry and the caller itself stay."""
    stream, group = classify_group
    await redis.xreadgroup(group, "ghost", {stream: ">"})  # registers a consumer that then dies
    await redis.xadd(stream, {"event": b"{}"})
    await redis.xreadgroup(group, "holder", {stream: ">"}, count=1)  # dies holding an entry
    await redis.xreadgroup(group, "me", {stream: ">"})

    async def idle() -> bool:
        found = await _consumers(redis, stream, group)
        return found["ghost"] > 200 and found["holder"] > 200 and found["me"] > 200

    await eventually(idle, "the consumers to be idle 200 ms")
    assert await prune_idle(redis, stream, group, 200, keep="me") == ["ghost"]
    assert set(await _consumers(redis, stream, group)) == {"holder", "me"}


async def test_a_running_worker_prunes_the_consumers_of_killed_ones(
    redis: aioredis.Redis, settings: Settings, classify_group: tuple[str, str]
) -> None:
    """NEWSFACTS_CONSUMER_PRUNE_MS: a worker removes a consumer idle past it, and keeps itself."""
    stream, group = classify_group
    for n in range(5):  # five SIGKILLed workers' consumers
        await redis.xreadgroup(group, f"classify-gone-{n}", {stream: ">"})
    quick = settings.model_copy(update={"consumer_prune_ms": 300})

    async def only_me() -> bool:
        return set(await _consumers(redis, stream, group)) == {"w"}

    async with running(worker_app(classify.STAGE, quick, consumer="w")):
        await eventually(only_me, "the dead consumers to be removed")
