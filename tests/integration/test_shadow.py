"""``replay reprocess --shadow`` on a real server: a diff against live, nothing appended; ``--swap`` acts."""

from __future__ import annotations

import asyncio
import dataclasses
from contextlib import closing
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis
import structlog

from services.cli.main import main
from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleClassifiedV2, ArticleCleanedV1
from services.common.settings import Settings
from services.common.stage import Result, StageContext
from services.projector import queries
from services.projector.checksum import checksum
from services.publish.publisher import publish
from services.stages import STAGES
from tests.integration.live import ended, item, lengths, pipeline, read, until

pytestmark = pytest.mark.redis

ARTICLES = [
    item("rates", title="Central bank raises rates", body="The central bank raised interest rates by half a "
         "point on Tuesday, citing inflation, and shares fell on the stock market.", url="https://example.com/r"),
    item("cup", title="City win the cup", body="Manchester City won the FA Cup final at Wembley after a late "
         "goal from their striker; the coach praised the team.", url="https://example.com/c"),
]  # fmt: skip


def _no_topics(event: Envelope, ctx: StageContext) -> Result:
    """A classify that finds nothing: the live read models to improve on."""
    article = read_as(event, ArticleCleanedV1).article
    data = ArticleClassifiedV2(article=article, topics=[])
    return Result([ctx.derive(event, "article.classified", data, subject=article.article_id)])


WEAK = dataclasses.replace(STAGES["classify"], version="0.1.0", process=_no_topics)


def _topics(path: Path) -> dict[str, list[str]]:
    with closing(queries.connect_readonly(path)) as conn:
        rows = conn.execute("SELECT article_id, code FROM article_topics ORDER BY article_id, rank")
        found: dict[str, list[str]] = {}
        for article_id, code in rows:
            found.setdefault(article_id, []).append(code)
        return found


async def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    """Run ``newsfacts ARGV --json`` in-process (off the event loop) and parse what it printed."""
    capsys.readouterr()
    with structlog.testing.capture_logs():  # the workers' log lines would be mixed with the JSON
        code = await asyncio.to_thread(main, [*argv, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    parsed: dict[str, Any] = orjson.loads(out)
    return parsed


async def test_a_shadow_shows_what_would_change_and_swap_makes_it_real(
    redis: aioredis.Redis,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The shadow diff names the topics current code adds; log and live store are untouched until --swap."""
    assert settings.redis_url is not None
    monkeypatch.setenv("REDIS_URL", settings.redis_url.get_secret_value())
    monkeypatch.setenv("NEWSFACTS_PREFIX", settings.prefix)
    monkeypatch.setenv("NEWSFACTS_DATA_DIR", str(settings.data_dir))
    weak = [WEAK if stage.name == "classify" else stage for stage in STAGES.values()]
    async with pipeline(settings, weak):
        published = await publish(redis, settings.names, ARTICLES)
        await until(lambda: ended(settings, published.correlation_ids), "the articles to be indexed")
    assert _topics(settings.readmodel_path) == {}
    live_before = read(settings, checksum)
    log_before = await lengths(redis, settings)

    shadow = await _cli(capsys, "replay", "reprocess", "--stage", "classify", "--shadow")
    changes = shadow["diff"]
    assert (shadow["selected"], changes["compared"], changes["changed"]) == (2, 2, 2)
    assert changes["kinds"]["topic_added"] >= 2
    assert (changes["kinds"]["topic_removed"], changes["kinds"]["entity_removed"]) == (0, 0)
    assert all(a["topics_before"] == [] and a["topics_after"] for a in changes["articles"])
    assert shadow["swap"] is None
    assert await lengths(redis, settings) == log_before, "a shadow run appends nothing to the log"
    assert read(settings, checksum) == live_before, "nor touches the live read models"
    predicted = _topics(Path(shadow["store"]))
    assert set(predicted) == {a["article_id"] for a in changes["articles"]}

    async with pipeline(settings, STAGES.values()):
        swapped = await _cli(capsys, "replay", "reprocess", "--stage", "classify", "--shadow", "--swap")
        assert (swapped["swap"]["requested"], swapped["diff"]["changed"]) == (2, 2)
        await until(
            lambda: _topics(settings.readmodel_path) == predicted, "the log to make the shadow's topics"
        )
    again = await _cli(capsys, "replay", "reprocess", "--stage", "classify", "--shadow")
    assert again["diff"]["changed"] == 0, "once swapped, current code changes nothing more"
