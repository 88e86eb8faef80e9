"""The web tests' world: the seeds (and a hostile headline) run through the real pipeline on a real server.

One module-scoped run per test module: every worker and the projector in-process, the seeds published,
and the read models built by the real projector; the app then reads them as ``newsfacts serve`` does.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.ingest.logic import ingest, validate
from services.projector import audit
from services.publish.amendments import retraction, send
from services.publish.publisher import publish
from services.publish.sources import read_paths
from services.stages import STAGES as STAGE_DEFS
from services.web import create_app
from tests.integration.live import ended, item, pipeline, read, until

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
#: A headline that is HTML once clean unescapes its entities: every page must show it as text.
HOSTILE_TITLE = "<script>alert('x')</script> Xiaomi opens <b>factory</b>"
HOSTILE_TEXT = "<img src=x onerror=alert(2)>"
HOSTILE = item(
    "hostile",
    title="&lt;script&gt;alert('x')&lt;/script&gt; Xiaomi opens &lt;b&gt;factory&lt;/b&gt;",
    body="Xiaomi said on Monday it would open a new factory in Wuhan, investing $2 billion over 3 years. "
    "&lt;img src=x onerror=alert(2)&gt;",
    url="https://example.com/hostile",
    source="Test Wire",
    published_at="2024-03-04T10:00:00Z",
)
TOKEN = "t0ken-for-tests-0123456789"
#: A seed headline the seeded world retracts.
RETRACTED = {
    "title": "Yen Slides as Japan Election Boosts Fiscal Stimulus Expectations",
    "source": "seed-headlines",
}


def web_settings(redis_url: str, data_dir: Path, **extra: object) -> Settings:
    """Settings of one web test module: the session's server, a prefix and data directory of its own."""
    return Settings(
        REDIS_URL=redis_url, data_dir=data_dir, prefix=f"w{uuid.uuid4().hex[:12]}", block_ms=20,
        claim_idle_ms=1000, **extra,
    )  # fmt: skip


async def drop_keys(settings: Settings) -> None:
    """Delete the module's keys, and only those."""
    assert settings.redis_url is not None
    client = aioredis.Redis.from_url(settings.redis_url.get_secret_value())
    keys = [k async for k in client.scan_iter(match=f"{settings.prefix}:*", count=1000)]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def publish_seeds(settings: Settings, *, retract: bool = False) -> None:
    """Publish the seeds and the hostile headline and wait until the read models show every one.

    With ``retract``, then retract one seed headline (``RETRACTED``) and wait until it is gone.
    """
    assert settings.redis_url is not None
    client = aioredis.Redis.from_url(settings.redis_url.get_secret_value())
    try:
        await ensure_topology(client, settings.names)
        report = await publish(client, settings.names, [*read_paths([str(SEEDS)]), HOSTILE])
        await until(lambda: ended(settings, report.correlation_ids), "the seeds to be projected")
        if retract:
            gone = ingest(validate(RETRACTED)).article_id
            await send(client, settings.names, retraction(gone, "a test retraction"))
            await until(lambda: read(settings, lambda c: audit.retraction(c, gone)), "the retraction")
    finally:
        await client.aclose()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Settings]:
    """Settings whose read models hold the seeds and the hostile headline (the workers stopped after)."""
    settings = web_settings(redis_url, tmp_path_factory.mktemp("web"), api_token=TOKEN)
    async with pipeline(settings, STAGE_DEFS.values()):
        await publish_seeds(settings, retract=True)
    yield settings
    await drop_keys(settings)


@pytest.fixture(scope="module")
def api(seeded: Settings) -> Iterator[TestClient]:
    """The app on loopback (as ``newsfacts serve`` by default), over the seeded read models."""
    with TestClient(create_app(seeded), base_url="http://127.0.0.1") as client:
        yield client
