"""Crashes and losses the pipeline rides out: a server killed and restarted, a consumer group destroyed,
SIGTERM to a worker or to ``up``, and two committers racing on the same input.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
import pytest
import redis.asyncio as aioredis
from faststream import FastStream

from services.common import server
from services.common.committer import Committer, Guard, Outcome
from services.common.envelope import Envelope, decode, make_event
from services.common.events.intake import ArticleDuplicateV1
from services.common.names import EVENT_FIELD, STAGES
from services.common.settings import Settings
from services.common.worker import run_stage, worker_app
from services.ingest.stage import STAGE as INGEST
from services.publish.publisher import publish
from services.publish.sources import Item
from tests.support import cli_env, eventually

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def running(app: FastStream) -> AsyncIterator[asyncio.Task[None]]:
    """The app runs as a task for the block's duration, then stops gracefully."""
    task = asyncio.create_task(app.run())
    try:
        yield task
    finally:
        app.exit()
        await task


def articles(first: int, count: int) -> list[Item]:
    stories = [
        {"title": f"Harbour report {n}", "body": f"Ships unloaded {n} containers."}
        for n in range(first, first + count)
    ]
    return [Item("test", story, orjson.dumps(story)) for story in stories]


async def ingested(client: aioredis.Redis, settings: Settings) -> list[Envelope]:
    return [
        decode(f[EVENT_FIELD.encode()]) for _, f in await client.xrange(settings.names.stream("ingested"))
    ]


def ingested_count(client: aioredis.Redis, settings: Settings, n: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return int(await client.xlen(settings.names.stream("ingested"))) == n

    return check


def drained(client: aioredis.Redis, settings: Settings, stage: str) -> Callable[[], Awaitable[bool]]:
    """True once the stage's group exists, has read every entry (lag 0) and settled each (none pending)."""

    async def check() -> bool:
        groups = await client.xinfo_groups(settings.names.input_stream(stage))
        return any(g["name"] == stage.encode() and g["lag"] == 0 and g["pending"] == 0 for g in groups)

    return check


# --- (a) the server is killed and comes back --------------------------------------------------------------


async def test_a_worker_carries_on_after_the_server_is_killed_and_restarted(own_server: Settings) -> None:
    """SIGKILL the server: it comes back on its port with its AOF, and the same worker processes new input."""
    srv = server.ensure_server(own_server)
    settings = Settings(
        REDIS_URL=srv.url, data_dir=own_server.data_dir, prefix="restart", block_ms=20, claim_idle_ms=1000
    )
    client = aioredis.Redis.from_url(srv.url)
    try:
        async with running(worker_app(INGEST, settings, consumer="w")) as worker:
            await publish(client, settings.names, articles(0, 5))
            await eventually(ingested_count(client, settings, 5), "5 articles ingested")

            os.kill(srv.pid, signal.SIGKILL)

            async def down() -> bool:
                return await asyncio.to_thread(server.running, own_server) is None

            await eventually(down, "the killed server to stop answering")
            again = await asyncio.to_thread(server.ensure_server, own_server)
            assert (again.port, again.pid != srv.pid) == (srv.port, True)
            await client.connection_pool.disconnect()  # its socket died with the server; redis-py won't retry

            kept = await client.xlen(settings.names.stream("ingested"))
            assert kept == 5, "acknowledged facts survive (AOF)"
            await publish(client, settings.names, articles(5, 5))
            await eventually(ingested_count(client, settings, 10), "5 more ingested after the restart", 30.0)
            await eventually(drained(client, settings, "ingest"), "nothing left pending")
            assert not worker.done(), "the worker was not restarted: it reconnected"

        titles = Counter(e.data["title"] for e in await ingested(client, settings))
        assert len(titles) == 10 and set(titles.values()) == {1}
    finally:
        await client.aclose()


# --- (b) the consumer group vanishes ----------------------------------------------------------------------


async def test_a_vanished_consumer_group_is_recreated_and_nothing_is_processed_twice(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """XGROUP DESTROY under a running stage: run_stage recreates it from 0; the guard drops re-reads."""
    names = settings.names
    stage = asyncio.create_task(run_stage(INGEST, settings))
    try:
        await publish(redis, names, articles(0, 5))
        await eventually(ingested_count(redis, settings, 5), "5 articles ingested")
        await eventually(drained(redis, settings, "ingest"), "the first five settled")

        assert await redis.xgroup_destroy(names.input_stream("ingest"), "ingest") == 1
        await eventually(drained(redis, settings, "ingest"), "the group recreated and every entry re-read")
        await publish(redis, names, articles(5, 5))
        await eventually(ingested_count(redis, settings, 10), "5 more ingested")
        await eventually(drained(redis, settings, "ingest"), "nothing pending")
    finally:
        # run_stage returns on SIGTERM, as in production; FastStream handles it on this event loop.
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(stage, timeout=30)

    subjects = Counter(e.subject for e in await ingested(redis, settings))
    assert len(subjects) == 10 and set(subjects.values()) == {1}, "an article was ingested twice"
    assert await redis.xlen(names.stream("rejected")) == 0


# --- (c) graceful shutdown --------------------------------------------------------------------------------


@contextlib.contextmanager
def started(settings: Settings, log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``newsfacts ARGS`` in a session of its own, output to ``log``; what is left is killed afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli", *args], env=cli_env(settings), cwd=REPO,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def session_members(sid: int) -> list[int]:
    """Pids of live (non-zombie) processes in session ``sid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            members.append(int(entry.name))
    return members


async def until_logged(log: Path, text: str, times: int, within: float = 30.0) -> None:
    async def check() -> bool:
        return (await asyncio.to_thread(log.read_text, errors="replace")).count(text) >= times

    await eventually(check, f"{times} x {text!r} in {log.name}", within)


async def test_a_worker_process_exits_0_promptly_on_sigterm(settings: Settings, tmp_path: Path) -> None:
    """An idle ``newsfacts worker clean`` stops within seconds of SIGTERM, with exit code 0."""
    log = tmp_path / "worker.log"
    with started(settings, log, "worker", "clean") as worker:
        await until_logged(log, '"worker starting"', 1)
        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(worker.wait, 10)
        took = time.monotonic() - sent

    assert code == 0, log.read_text()
    assert took < 5.0, f"took {took:.1f}s to stop"
    assert '"worker stopped"' in log.read_text()


async def test_up_stops_every_worker_and_exits_0_on_sigterm(settings: Settings, tmp_path: Path) -> None:
    """SIGTERM to ``newsfacts up`` stops its workers gracefully: exit 0 and no process of it left."""
    log = tmp_path / "up.log"
    with started(settings, log, "up") as up:
        await until_logged(log, '"worker starting"', len(STAGES))
        await until_logged(log, '"projector starting"', 1)
        await until_logged(log, '"archiver starting"', 1)
        children = [pid for pid in session_members(up.pid) if pid != up.pid]
        assert len(children) == len(STAGES) + 2, f"expected a process per role, found {children}"

        up.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(up.wait, 40)
        left = session_members(up.pid)

    assert code == 0, log.read_text()[-3000:]
    assert left == [], f"processes of `up` still running: {left}"
    assert log.read_text().count('"worker stopped"') == len(STAGES)


# --- (d) two committers race ------------------------------------------------------------------------------


def fact(n: int) -> Envelope:
    return make_event(
        "article.duplicate",
        ArticleDuplicateV1(article_id=f"a{n}", content_hash="c" * 64),
        source="newsfacts/test",
        stageversion="test/1",
        subject=f"a{n}",
        correlationid=f"corr-{n}",
        causationid=None,
    )


async def delivered(redis: aioredis.Redis, settings: Settings, count: int) -> tuple[str, list[str]]:
    """Given ``count`` entries on ingest's input, delivered to a consumer and not yet acknowledged."""
    stream = settings.names.input_stream("ingest")
    await redis.xgroup_create(stream, "ingest", id="0", mkstream=True)
    for n in range(count):
        await redis.xadd(stream, {EVENT_FIELD: b"{}", "n": n})
    [[_, entries]] = await redis.xreadgroup("ingest", "slow", {stream: ">"}, count=count)
    return stream, [eid.decode() for eid, _ in entries]


@pytest.fixture
async def committers(settings: Settings) -> AsyncIterator[tuple[Committer, Committer]]:
    """Two committers on connections of their own, as two worker processes would have."""
    assert settings.redis_url is not None
    clients = [aioredis.Redis.from_url(settings.redis_url.get_secret_value()) for _ in range(2)]
    yield (
        Committer(clients[0], settings.names, "ingest"),
        Committer(clients[1], settings.names, "ingest"),
    )
    for client in clients:
        await client.aclose()


async def test_two_committers_racing_on_the_same_outcomes_append_each_once(
    redis: aioredis.Redis, settings: Settings, committers: tuple[Committer, Committer]
) -> None:
    """A reclaimed entry committed by its new owner while the slow one also commits it: one output each."""
    stream, entries = await delivered(redis, settings, 50)
    output = settings.names.stream("ingested")
    outcomes = [
        Outcome(eid, Guard(settings.names.done("ingest"), f"v1:{eid}", eid), ((output, fact(n)),))
        for n, eid in enumerate(entries)
    ]
    first, second = committers

    statuses = await asyncio.gather(first.commit(outcomes), second.commit(outcomes))

    assert [sorted(pair) for pair in zip(*statuses, strict=True)] == [["already_done", "new"]] * 50
    assert [decode(f[b"event"]).subject for _, f in await redis.xrange(output)] == [
        f"a{n}" for n in range(50)
    ]
    assert (await redis.xpending(stream, "ingest"))["pending"] == 0


async def test_two_committers_racing_on_the_same_duplicate_record_it_once(
    redis: aioredis.Redis, settings: Settings, committers: tuple[Committer, Committer]
) -> None:
    """An exact duplicate committed twice at once (reclaimed while slow) is noted once, not twice."""
    stream, [original, copy] = await delivered(redis, settings, 2)
    names = settings.names
    primary, notices = names.stream("ingested"), names.stream("duplicates")
    guard = Guard(names.fingerprints(), "a1:hash", "event-1")
    first, second = committers
    accepted = Outcome(original, guard, ((primary, fact(1)),), ((notices, fact(2)),))
    assert await first.commit([accepted]) == ["new"]
    again = Guard(guard.key, guard.field, "event-2")
    duplicate = Outcome(copy, again, ((primary, fact(3)),), ((notices, fact(4)),))

    statuses = await asyncio.gather(first.commit([duplicate]), second.commit([duplicate]))

    assert sorted(s for [s] in statuses) == ["already_done", "duplicate"]
    assert await redis.xlen(notices) == 1
    assert await redis.xlen(primary) == 1
    assert (await redis.xpending(stream, "ingest"))["pending"] == 0
