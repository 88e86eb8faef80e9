"""``newsfacts partition`` and ``newsfacts cluster`` as an operator runs them."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
import redis

from tests.e2e.conftest import Cli


def test_partition_prints_the_articles_partition_and_its_stream_keys(offline: Cli) -> None:
    """Needs no server: the formula and the tags are all it takes."""
    eight = replace(offline, env={**offline.env, "NEWSFACTS_PARTITIONS": "8"})
    found = eight.run("partition", "abc", "--json").json()
    assert found["partition"] == zlib.crc32(b"abc") % 8 == 2
    assert found["streams"]["indexed"] == f"nf:{{{found['tag']}}}:stream:indexed"
    text = eight.run("partition", "abc")
    assert text.code == 0 and "partition 2 of 8" in text.stdout


def test_partition_with_one_partition_shows_todays_keys(offline: Cli) -> None:
    """P=1 keeps the unpartitioned names."""
    found = offline.run("partition", "abc", "--json").json()
    assert found["partition"] == 0 and found["streams"]["cleaned"] == "nf:stream:cleaned"


@pytest.mark.parametrize(("setting", "message"), [("0", "partitions"), ("300", "partitions")])
def test_a_bad_partition_count_exits_2_naming_the_setting(offline: Cli, setting: str, message: str) -> None:
    """NEWSFACTS_PARTITIONS outside 1..256 is a bad setting, not a traceback."""
    bad = replace(offline, env={**offline.env, "NEWSFACTS_PARTITIONS": setting})
    result = bad.run("partition", "abc")
    assert result.code == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_cluster_start_runs_a_local_cluster_and_stop_ends_it(offline: Cli) -> None:
    """``newsfacts cluster start`` prints a URL of a healthy cluster; ``stop`` takes it down."""
    started = offline.run("cluster", "start")
    try:
        assert started.code == 0, started.stderr
        url = started.stdout.split("REDIS_URL=")[1].split()[0]
        node = redis.Redis.from_url(url)
        assert node.execute_command("CLUSTER", "INFO").decode().startswith("cluster_state:ok")
        node.close()
        assert offline.run("cluster", "status").code == 0
    finally:
        stopped = offline.run("cluster", "stop")
    assert stopped.code == 0 and "stopped" in stopped.stdout
    assert offline.run("cluster", "status").code == 1
