"""The archive in an object store: s3:// through s3fs, against moto's S3 server on loopback.

moto stands in for S3 here (there is no S3 on this machine): the test checks that the archive's
code works through fsspec's object-store semantics (no rename, a PUT per object, listings), which a
local directory does not exercise.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from services.archive.archiver import Archiver, Policy
from services.archive.store import Archive
from services.common import connection
from services.common.names import LOG_STREAMS
from services.common.settings import Settings
from services.projector.store import ReadModelStore
from services.replay.rebuild import rebuild_from
from tests.integration.test_rebuild import _append, _messy_log

moto_server = pytest.importorskip(
    "moto.server", reason="moto[s3] is a test dependency (pip install -e '.[test]')"
)
pytest.importorskip("s3fs", reason="s3fs is a test dependency (pip install -e '.[test]')")
pytestmark = pytest.mark.redis

BUCKET = "newsfacts-archive"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An S3 endpoint on loopback with one bucket; the URL of a prefix in it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    import boto3

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    yield f"s3://{BUCKET}/logs"
    server.stop()


async def test_an_s3_archive_holds_the_log_and_rebuilds_it(
    redis: aioredis.Redis, settings: Settings, s3: str, tmp_path: Path
) -> None:
    await _append(redis, settings, _messy_log())
    total = sum([await redis.xlen(settings.names.stream(s)) for s in LOG_STREAMS])
    import redis as blocking

    client = blocking.Redis.from_url(connection.redis_url(settings))
    archive = Archive.open(s3, settings.prefix)
    policy = Policy(segment_entries=7, seal_ms=0, retention_ms=0, order_window_ms=0)
    report = Archiver(client, archive, settings.partition_map, policy).run_once(10**13, seal=True)
    client.close()
    assert sum(report.archived.values()) == total == sum(report.trimmed.values())
    fresh = Archive.open(s3, settings.prefix)  # another process: nothing cached
    assert sum(v["entries"] for v in fresh.describe().values()) == total
    with ReadModelStore.open(tmp_path / "from-s3.db", bulk=True) as store:
        events = rebuild_from(connection.redis_url(settings), settings.names, store, archive=fresh)
        store.settle()
    assert events == total
