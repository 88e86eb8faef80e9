"""``newsfacts replay rebuild`` as a user runs it: an unreadable entry stops it, the live store stays."""

from __future__ import annotations

import os
import random

import pytest
import redis

from services.common.envelope import encode
from services.common.names import EVENT_FIELD
from services.common.settings import Settings
from services.projector.synthetic import article_events, synthetic_spec
from tests.e2e.conftest import Cli

pytestmark = pytest.mark.redis


def test_a_bad_entry_stops_the_rebuild_and_skip_bad_lists_it(cli: Cli, redis_url: str) -> None:
    """Exit 2 naming stream and entry, the live generation untouched and no half-built one left;
    ``--skip-bad`` rebuilds, switches in and lists what it skipped."""
    names = Settings(prefix=cli.prefix).names
    client = redis.Redis.from_url(redis_url)
    for short, ev in article_events(synthetic_spec(0, random.Random(1), size=900)):
        client.xadd(names.stream(short), {EVENT_FIELD: encode(ev)})
    first = cli.run("replay", "rebuild", "--json").json()
    live = os.readlink(cli.readmodel_path)
    bad = client.xadd(names.stream("enriched"), {EVENT_FIELD: b"\xff not json"}).decode()
    client.close()

    stopped = cli.run("replay", "rebuild")
    assert stopped.code == 2
    assert f"{names.stream('enriched')} entry {bad}: undecodable" in stopped.stderr
    assert "Nothing was switched in" in stopped.stderr
    assert os.readlink(cli.readmodel_path) == live
    assert sorted(p.name for p in cli.readmodel_path.parent.glob("*.g*.sqlite")) == [live]

    skipped = cli.run("replay", "rebuild", "--skip-bad", "--json").json()
    assert skipped["switched"] is True and skipped["events"] == first["events"] + 1
    assert skipped["peak_rss_mb"]["writer"] > 0 and skipped["peak_rss_mb"]["reader"] > 0
    [line] = skipped["skipped_bad"]
    assert line.startswith(f"{names.stream('enriched')} entry {bad}: undecodable")
    assert os.readlink(cli.readmodel_path) != live
    text = cli.run("replay", "rebuild", "--skip-bad")
    assert text.code == 0 and "skipped 1 entries this code cannot read:" in text.stdout
