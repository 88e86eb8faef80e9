"""``newsfacts dlq discard`` as a user runs it: the audit's wedged article set free.

A malformed ``article.classified`` naming a real article is dead-lettered at enrich; the
article's correction is parked behind it, so ``article ID`` shows the corrected title over the
old lede, and before ``discard`` there was no way out but editing Redis by hand.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis

from services.common.names import EVENT_FIELD
from services.common.settings import Settings
from tests.e2e.conftest import Cli, eventually
from tests.e2e.test_cli import publish_one, stop

ARTICLE = {
    "title": "Council approves the budget",
    "url": "https://example.com/local/budget",
    "body": "The council approved the budget on Monday after a long debate about the new library.",
}
CORRECTED = {
    "title": "Council approves the revised budget",
    "body": "The council approved a revised budget on Tuesday, adding money for the harbour bridge.",
}


def _letters(cli: Cli) -> list[dict[str, Any]]:
    return list(cli.run("dlq", "list", "--json").json())


def _malformed_classified(url: str, prefix: str, article_id: str) -> None:
    """The article's own classified event with a new id and data that fails its model."""
    client = redis.Redis.from_url(url)
    stream = Settings(prefix=prefix).names.stream("classified")
    wire = orjson.loads(client.xrange(stream)[-1][1][EVENT_FIELD.encode()])
    assert wire["subject"] == article_id
    wire |= {"id": "0193a000-0000-7000-8000-00000000dead", "data": {"topics": "not a list"}}
    client.xadd(stream, {EVENT_FIELD: orjson.dumps(wire)})
    client.close()


@pytest.mark.redis
@pytest.mark.slow
def test_discard_releases_the_correction_parked_behind_a_malformed_event(
    cli: Cli, redis_url: str, tmp_path: Path
) -> None:
    """Dead-lettered at once, correction parked; discard: the correction flows; history, lineage show it."""
    (tmp_path / "article.json").write_bytes(orjson.dumps(ARTICLE))
    (tmp_path / "fixed.json").write_bytes(orjson.dumps(CORRECTED))
    up = cli.start("up", log=tmp_path / "up.log")
    try:
        article_id = publish_one(cli, tmp_path / "article.json", "library")

        _malformed_classified(redis_url, cli.prefix, article_id)
        [dead] = eventually(lambda: _letters(cli), "the malformed event to be dead-lettered")
        assert cli.run("correct", article_id, str(tmp_path / "fixed.json")).code == 0
        eventually(lambda: len(_letters(cli)) == 2, "the correction to be parked behind it")
        wedged = cli.run("article", article_id, "--json").json()

        discarded = cli.run("dlq", "discard", dead["key"], "--reason", "malformed by a test", "--json").json()

        def corrected() -> Any:
            view = cli.run("article", article_id, "--json").json()
            return view if "harbour bridge" in (view.get("lede") or "") else None

        final = eventually(corrected, "the correction to reach the article")
        history = cli.run("article", article_id, "--history")
        lineage = cli.run("lineage", article_id)
        left = _letters(cli)
        again = cli.run("dlq", "discard", dead["key"], "--reason", "twice")
    finally:
        code = stop(up, signal.SIGTERM, within=30.0)
    assert code == 0, (tmp_path / "up.log").read_text(errors="replace")[-3000:]

    assert (dead["stage"], dead["status"], dead["reason"], dead["subject"]) == (
        "enrich", "dead", "invalid_field", article_id,
    )  # fmt: skip
    assert "library" in wedged["lede"], "before the discard the correction waits behind the dead letter"
    assert discarded["released"] == 1 and discarded["discarded"] == dead["key"]
    assert final["title"] == CORRECTED["title"] and "harbour bridge" in final["text"]
    assert left == []
    assert "article.discarded" in history.stdout
    assert "dead letter discarded" in lineage.stdout and "malformed by a test" in lineage.stdout
    assert again.code == 1
