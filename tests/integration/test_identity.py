"""The log's identity on a real server: written once whoever starts first, adopted for old logs."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from services.common import identity
from services.common.settings import Settings

pytestmark = pytest.mark.redis


async def test_processes_starting_together_agree_on_one_identity(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """Twenty binds racing on a new log write one log id, with the settings' partitions and layout."""
    clients = [aioredis.Redis.from_url(settings.redis_url.get_secret_value()) for _ in range(20)]  # type: ignore[union-attr]
    try:
        found = await asyncio.gather(*(identity.bind(c, settings) for c in clients))
    finally:
        for c in clients:
            await c.aclose()
    assert len({f.log_id for f in found}) == 1
    stored = await redis.hgetall(settings.names.meta())
    assert stored[b"log_id"].decode() == found[0].log_id
    assert (stored[b"partitions"], stored[b"layout"], stored[b"adopted"]) == (b"1", b"1", b"0")


async def test_a_new_log_of_eight_partitions_records_layout_2(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """A log first started with eight partitions says so; a process set to one is refused."""
    eight = settings.model_copy(update={"partitions": 8})
    assert (await identity.bind(redis, eight)).layout == 2
    with pytest.raises(identity.LogMismatch, match="has 8 partitions"):
        await identity.bind(redis, settings)


async def test_a_log_from_before_identities_is_adopted_as_one_partition(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """Streams with entries and no metadata: adopted as 1 partition, layout 1, whatever the settings say."""
    await redis.xadd(settings.names.stream("submitted"), {"event": b"{}"})
    with pytest.raises(identity.LogMismatch, match="has 1 partition"):
        await identity.bind(redis, settings.model_copy(update={"partitions": 4}))
    adopted = await identity.read(redis, settings.names)
    assert adopted is not None and adopted.adopted and (adopted.partitions, adopted.layout) == (1, 1)
    assert (await identity.bind(redis, settings)).log_id == adopted.log_id
