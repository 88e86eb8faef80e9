"""Dead letters keep their original entry exactly, so a retry re-drives that entry and nothing else."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from services.classify import stage as classify
from services.common.deadletter import list_dead, retry
from services.common.settings import Settings
from services.common.worker import worker_app
from tests.support import eventually, running

pytestmark = pytest.mark.redis


async def test_retry_redrives_an_entry_without_an_event_field_exactly(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """An entry {foo: bar, raw: <non-UTF-8>} comes back with exactly those fields, not event="foo=bar"."""
    stream = settings.names.input_stream("classify")
    original = {b"foo": b"bar", b"raw": b"\xff\xfe"}
    await redis.xadd(stream, original)

    async def dead() -> bool:
        return len(await list_dead(redis, settings.names)) == 1

    async with running(worker_app(classify.STAGE, settings, consumer="w")):
        await eventually(dead, "the fieldless entry to be dead-lettered")
    assert await retry(redis, settings.names, None) == 1

    rows = await redis.xrange(stream)
    assert [fields for _, fields in rows] == [original, original]
    assert await list_dead(redis, settings.names) == []
