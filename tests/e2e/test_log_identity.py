"""Two deployments, one read store: the second log's projector, rebuild and readers refuse it.

The audit's scenario: servers A and B, the same ``NEWSFACTS_DATA_DIR`` and prefix. Before the log
identity, B's projector folded B's articles into A's store and ``REDIS_URL=B replay rebuild``
replaced A's facts with B's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from services.common import server
from services.common.envelope import encode
from services.common.names import EVENT_FIELD
from services.common.settings import Settings
from services.projector.synthetic import article_events, synthetic_spec
from tests.e2e.conftest import Cli, clean_environment

pytestmark = pytest.mark.redis


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two embedded servers of this test's own (data directories a/ and b/); stopped afterwards."""
    started = [Settings(data_dir=tmp_path / name) for name in ("a", "b")]
    urls = [server.ensure_server(s).url for s in started]
    yield urls[0], urls[1]
    for s in started:
        server.stop_server(s)


def _append_article(url: str, n: int) -> str:
    """One article's whole chain of events appended to the log at ``url``; its id."""
    names = Settings(prefix="nf").names
    client = redis.Redis.from_url(url)
    events = article_events(synthetic_spec(n, random.Random(n), size=900))
    for short, ev in events:
        client.xadd(names.stream(short), {EVENT_FIELD: encode(ev)})
    client.close()
    return str(events[-1][1].subject)


def _log_id(url: str) -> str:
    client = redis.Redis.from_url(url)
    try:
        return client.hget("nf:meta", "log_id").decode()  # type: ignore[union-attr]
    finally:
        client.close()


def test_a_store_bound_to_log_a_is_refused_by_log_b(two_servers: tuple[str, str], tmp_path: Path) -> None:
    """B's rebuild, projector and readers exit 4 naming both log ids; A's facts stay, unchanged."""
    url_a, url_b = two_servers
    shared = clean_environment(NEWSFACTS_DATA_DIR=str(tmp_path / "shared"), NEWSFACTS_PREFIX="nf")
    a = Cli({**shared, "REDIS_URL": url_a}, tmp_path / "shared", "nf")
    b = a.with_env(REDIS_URL=url_b)
    article_a, article_b = _append_article(url_a, 1), _append_article(url_b, 2)

    assert a.run("replay", "rebuild").code == 0
    before = a.run("replay", "checksum").stdout
    assert a.run("article", article_a, "--json").json()["article_id"] == article_a
    rebuilt = b.run("replay", "rebuild")
    id_a, id_b = _log_id(url_a), _log_id(url_b)
    assert id_a != id_b
    projector = b.run("worker", "projector", timeout=60)
    reader = b.run("article", article_b)
    for refused in (rebuilt, projector, reader):
        assert refused.code == 4, refused
        assert id_a in refused.stderr and id_b in refused.stderr
        assert "Traceback" not in refused.stderr
    assert a.run("replay", "checksum").stdout == before
    assert a.run("article", article_a, "--json").json()["article_id"] == article_a
    assert a.run("article", article_b).code == 1  # B's facts never reached A's store


def _archived(cli: Cli) -> dict[str, int]:
    """Stream -> entries in the archive."""
    return {s["stream"]: s["archived"] for s in cli.run("archive", "--status", "--json").json()["streams"]}


def test_an_archive_of_log_a_is_refused_by_log_b(two_servers: tuple[str, str], tmp_path: Path) -> None:
    """The archive records its log on the first pass; B's archiver and rebuild exit 4 naming both ids."""
    url_a, url_b = two_servers
    shared = clean_environment(NEWSFACTS_DATA_DIR=str(tmp_path / "shared"), NEWSFACTS_PREFIX="nf")
    a = Cli({**shared, "REDIS_URL": url_a}, tmp_path / "shared", "nf")
    b = a.with_env(REDIS_URL=url_b)
    _append_article(url_a, 1), _append_article(url_b, 2)
    assert a.run("replay", "rebuild", "--output", str(tmp_path / "a.sqlite")).code == 0  # writes A's id
    assert a.run("archive", "--seal", "--no-trim").code == 0
    archived = _archived(a)
    refused = [b.run("archive", "--seal", "--no-trim"), b.run("replay", "rebuild", "--output", "b.sqlite")]
    id_a, id_b = _log_id(url_a), _log_id(url_b)
    for run in refused:
        assert run.code == 4, run
        assert id_a in run.stderr and id_b in run.stderr and "archive" in run.stderr
        assert "Traceback" not in run.stderr
    assert _archived(a) == archived and sum(archived.values()) == 6


def test_a_different_partition_count_is_refused_with_its_own_exit_code(cli: Cli) -> None:
    """The log records its partitions at first start; a process set to another count exits 5, no traceback."""
    assert cli.run("publish", "-", stdin=b'{"title": "One", "body": "Some text here."}').code == 0
    refused = cli.with_env(NEWSFACTS_PARTITIONS="8").run(
        "publish", "-", stdin=b'{"title": "T", "body": "x y"}'
    )
    assert cli.run("replay", "rebuild").code == 0
    eight = cli.with_env(NEWSFACTS_PARTITIONS="8")
    for other in (refused, eight.run("status"), eight.run("topics"), eight.run("worker", "projector")):
        assert other.code == 5, other
        assert "has 1 partition" in other.stderr and "NEWSFACTS_PARTITIONS=8" in other.stderr
        assert "Traceback" not in other.stderr
