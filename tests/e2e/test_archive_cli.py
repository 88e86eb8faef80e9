"""``newsfacts archive`` as an operator runs it: archive, trim, see why, rebuild from the archive."""

from __future__ import annotations

import random

import pytest
import redis

from services.common.envelope import encode
from services.common.names import EVENT_FIELD, LOG_STREAMS
from services.common.settings import Settings
from services.projector.synthetic import article_events, synthetic_spec
from tests.e2e.conftest import Cli

pytestmark = pytest.mark.redis


def test_archive_trim_and_rebuild_from_the_archive_alone(cli: Cli, redis_url: str) -> None:
    names = Settings(prefix=cli.prefix).names
    client = redis.Redis.from_url(redis_url)
    rng = random.Random(12)
    for n in range(4):
        for short, ev in article_events(synthetic_spec(n, rng, size=900)):
            client.xadd(names.stream(short), {EVENT_FIELD: encode(ev)})
    total = sum(int(client.xlen(names.stream(s))) for s in LOG_STREAMS)
    live = cli.run("replay", "rebuild", "--json").json()

    kept = cli.run("archive", "--seal", "--json").json()  # default retention: a day stays hot
    assert kept["segments"] > 0 and sum(kept["archived"].values()) == total and kept["trimmed"] == {}
    status = cli.run("archive", "--status")
    assert status.code == 0 and "the trim is held" in status.stdout and "retention" in status.stdout
    pipeline = cli.run("status")
    assert "archive: 6 of 7 streams archived, 0 trimmed in Redis" in pipeline.stdout  # rejected is empty
    rows = {r["stream"]: r for r in cli.run("status", "--json").json()}
    assert rows["cleaned"]["archived_until"] != "0-0" and rows["cleaned"]["trimmed_before"] == "0-0"

    # Retention 0 still keeps the order window (a day): nothing this young can go.
    assert cli.with_env(NEWSFACTS_RETENTION="0").run("archive", "--json").json()["trimmed"] == {}
    # Redis loses the log (a flush, a lost server): the archive alone restores the read models.
    for short in LOG_STREAMS:
        client.delete(names.stream(short))
    rows = cli.run("archive", "--status", "--json").json()["streams"]
    assert sum(r["archived"] for r in rows) == total and sum(r["hot"] for r in rows) == 0
    rebuilt = cli.run("replay", "rebuild", "--json").json()
    assert rebuilt["events"] == total and rebuilt["checksum"] == live["checksum"]
    checked = cli.run("validate", "--json").json()  # validate reads the archive too
    assert checked["checked"] == total and checked["invalid"] == 0
    client.close()


def test_a_bad_archive_url_is_a_clear_error(cli: Cli) -> None:
    done = cli.with_env(NEWSFACTS_ARCHIVE_URL="nosuch://bucket/x").run("archive")
    assert done.code == 2 and "NEWSFACTS_ARCHIVE_URL='nosuch://bucket/x'" in done.stderr
    assert "Traceback" not in done.stderr
    bad = cli.with_env(NEWSFACTS_RETENTION="six hours").run("archive")
    assert bad.code == 2 and "retention" in bad.stderr
