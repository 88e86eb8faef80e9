"""Counting what follows a position in a stream, inside Redis, and who consumes a group."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from services.common import progress
from services.common.names import text
from services.common.settings import Settings

pytestmark = pytest.mark.redis


async def test_entries_after_counts_from_a_position_up_to_the_cap(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """From the start, from the middle, from the end, and capped: the count and the first entry after."""
    key = settings.names.stream("cleaned")
    ids = [text(await redis.xadd(key, {"event": b"x" * 100})) for _ in range(5)]
    assert await progress.entries_after(redis, key, "0-0") == progress.Behind(5, ids[0])
    assert await progress.entries_after(redis, key, ids[2]) == progress.Behind(2, ids[3])
    assert await progress.entries_after(redis, key, ids[4]) == progress.Behind(0, None)
    assert (await progress.entries_after(redis, key, "0-0", cap=3)).entries == 3
    assert await progress.entries_after(redis, settings.names.stream("indexed"), "0-0") == progress.Behind(
        0, None
    )
    now = await progress.server_ms(redis)
    waited = progress.Behind(1, ids[0]).age_ms(now)
    assert waited is not None and 0 <= waited < 60_000
    assert progress.Behind(0, None).age_ms(now) is None


async def test_consumers_of_a_group_with_their_pending_and_idle_time(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A consumer that read one entry holds it pending; a missing group is no consumers, not an error."""
    key = settings.names.stream("ingested")
    await redis.xadd(key, {"event": b"{}"})
    await redis.xgroup_create(key, "clean", id="0")
    await redis.xreadgroup("clean", "w1", {key: ">"}, count=1)
    (consumer,) = await progress.consumers(redis, key, "clean")
    assert (consumer.name, consumer.pending) == ("w1", 1) and consumer.idle_ms >= 0
    assert await progress.consumers(redis, key, "nobody") == []
