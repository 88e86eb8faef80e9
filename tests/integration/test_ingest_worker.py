"""The ingest worker on a real server: one fact per submission, shared work, and recovery after a crash."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from services.common.envelope import Envelope, decode
from services.common.names import EVENT_FIELD
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.common.worker import worker_app
from services.ingest.stage import STAGE
from services.publish.publisher import publish
from services.publish.sources import Item
from tests.schema_check import assert_valid
from tests.support import eventually, running

pytestmark = pytest.mark.redis

GROUP = "ingest"


def article(**fields: Any) -> Item:
    return Item("test", fields, orjson.dumps(fields))


def garbage(raw: bytes) -> Item:
    return Item("test", None, raw)


async def events(redis: aioredis.Redis, stream: str) -> list[Envelope]:
    return [decode(fields[EVENT_FIELD.encode()]) for _, fields in await redis.xrange(stream)]


def length_is(redis: aioredis.Redis, stream: str, n: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return int(await redis.xlen(stream)) == n

    return check


async def pending(redis: aioredis.Redis, settings: Settings) -> int:
    return int((await redis.xpending(settings.names.input_stream("ingest"), GROUP))["pending"])


async def consumers(redis: aioredis.Redis, settings: Settings) -> dict[str, dict[str, Any]]:
    try:
        infos = await redis.xinfo_consumers(settings.names.input_stream("ingest"), GROUP)
    except ResponseError:  # no group yet
        return {}
    return {info["name"].decode(): info for info in infos}


async def test_valid_duplicate_and_garbage_each_become_one_fact(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A valid article is ingested once, its exact copy noted as a duplicate, garbage rejected."""
    names = settings.names
    story = {"title": "Rates rise", "body": "The bank raised rates.", "url": "https://example.com/rates"}
    await publish(
        redis,
        names,
        [
            article(**story),
            article(**story),
            garbage(b'{"title": oops'),
            garbage(b"[1, 2]"),
            article(title=5),
        ],
    )
    await redis.xadd(names.input_stream("ingest"), {"article": b'{"title": "wrong field"}'})

    async with running(worker_app(STAGE, settings, consumer="w")):
        await eventually(length_is(redis, names.stream("rejected"), 4), "4 rejections")
        await eventually(length_is(redis, names.stream("ingested"), 2), "ingested + duplicate")

    accepted = await events(redis, names.stream("ingested"))
    rejected = await events(redis, names.stream("rejected"))
    assert Counter(e.type for e in accepted) == {"article.ingested": 1, "article.duplicate": 1}
    assert len({e.subject for e in accepted}) == 1
    assert sorted(e.data["reason"] for e in rejected) == [
        "bad_envelope",
        "invalid_field",
        "malformed_json",
        "not_an_object",
    ]
    for event in (*accepted, *rejected):
        assert_valid(event)
    assert await pending(redis, settings) == 0
    [group] = [g for g in await redis.xinfo_groups(names.input_stream("ingest")) if g["name"] == b"ingest"]
    assert group["lag"] == 0


async def test_bytes_that_are_not_utf8_are_rejected_and_acknowledged(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A non-UTF-8 entry is recorded as not_utf8 instead of staying pending forever."""
    names = settings.names
    await redis.xadd(names.input_stream("ingest"), {EVENT_FIELD: b'{"title": "\xff\xfe"}'})

    async with running(worker_app(STAGE, settings, consumer="w")):
        await eventually(length_is(redis, names.stream("rejected"), 1), "the rejection", within=2.0)

    [event] = await events(redis, names.stream("rejected"))
    assert event.data["reason"] == "not_utf8"
    assert await pending(redis, settings) == 0


async def test_two_consumers_share_the_work_and_each_article_is_ingested_once(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Two workers on one stage split the input between them, and no article is ingested twice."""
    small = settings.model_copy(update={"batch_size": 5})
    names = small.names
    apps = [worker_app(STAGE, small, consumer=name) for name in ("a", "b")]

    async with running(*apps):

        async def both_listening() -> bool:
            return {"a", "b"} <= set(await consumers(redis, small))

        await eventually(both_listening, "both consumers to join the group")
        await publish(
            redis, names, [article(title=f"Story {n}", body=f"Body number {n}.") for n in range(200)]
        )
        await eventually(length_is(redis, names.stream("ingested"), 200), "200 ingested articles")
        workers = await consumers(redis, small)  # before they stop: a clean stop leaves the group

    ingested = await events(redis, names.stream("ingested"))
    assert {e.type for e in ingested} == {"article.ingested"}
    ids = Counter(e.data["article_id"] for e in ingested)
    assert len(ids) == 200
    assert max(ids.values()) == 1
    assert workers["a"]["inactive"] >= 0, "consumer a never received an entry"
    assert workers["b"]["inactive"] >= 0, "consumer b never received an entry"
    assert await pending(redis, small) == 0
    assert await consumers(redis, small) == {}, "stopped consumers with nothing pending leave the group"


async def test_entries_left_pending_by_a_dead_consumer_are_reclaimed(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Entries a crashed consumer read but never acknowledged are claimed and processed once."""
    names = settings.names
    stream = names.input_stream("ingest")
    await publish(redis, names, [article(title=f"Story {n}", body="Text.") for n in range(5)])
    await ensure_topology(redis, names)
    [[_, taken]] = await redis.xreadgroup(
        GROUP, "dead", {stream: ">"}, count=10
    )  # then the consumer "crashes"
    before = await redis.xpending_range(stream, GROUP, "-", "+", 10)
    assert len(taken) == 5
    assert {(p["consumer"], p["times_delivered"]) for p in before} == {(b"dead", 1)}

    async with running(worker_app(STAGE, settings, consumer="w")):
        await eventually(length_is(redis, names.stream("ingested"), 5), "the 5 reclaimed articles")

        async def nothing_pending() -> bool:
            return await pending(redis, settings) == 0

        await eventually(nothing_pending, "the pending list to empty")
        workers = await consumers(redis, settings)  # before it stops: a clean stop leaves the group

    ingested = await events(redis, names.stream("ingested"))
    assert len({e.data["article_id"] for e in ingested}) == 5
    [group] = [g for g in await redis.xinfo_groups(stream) if g["name"] == b"ingest"]
    assert group["last-delivered-id"] == taken[-1][0], "the worker read nothing new: it had to claim"
    assert workers["dead"]["pending"] == 0
    assert workers["w"]["inactive"] >= 0, "the live worker never claimed an entry"
