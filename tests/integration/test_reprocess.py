"""Reprocess on a real server: a newer classify version re-runs old articles through the log, once."""

from __future__ import annotations

import dataclasses
import time

import pytest
import redis as blocking
import redis.asyncio as aioredis

from services.archive import open_archive
from services.archive.archiver import Archiver, Policy
from services.cli.history import render_history
from services.common import connection
from services.common.settings import Settings
from services.projector import audit, queries
from services.publish.publisher import publish
from services.replay.log import fetch
from services.replay.reprocess import reprocess
from services.replay.selection import Selection
from services.stages import STAGES
from tests.integration.live import ended, item, lengths, pipeline, read, until

pytestmark = pytest.mark.redis

ARTICLES = [
    item("rates", title="Central bank raises rates", body="The central bank raised interest rates by half a "
         "point on Tuesday, citing inflation and strong wage growth.", url="https://example.com/rates"),
    item("cup", title="City win the cup", body="Manchester City won the FA Cup final at Wembley after a late "
         "goal from their striker; the coach praised the team.", url="https://example.com/cup"),
]  # fmt: skip
BUMPED = dataclasses.replace(STAGES["classify"], version="9.0.0")


def _classify_versions(settings: Settings) -> set[str] | None:
    return read(
        settings,
        lambda c: {r[0] for r in c.execute("SELECT stageversion FROM lineage WHERE stage = 'classify'")},
    )


def _indexed(settings: Settings) -> int:
    return read(settings, lambda c: queries.counters(c).get("article.indexed", 0)) or 0


async def test_a_bumped_stage_version_reprocesses_old_articles_once(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """classify 9.0.0 facts supersede the old, later stages re-run, history keeps both; reruns add nothing."""
    names = settings.names
    async with pipeline(settings, STAGES.values()):
        published = await publish(redis, names, ARTICLES)
        await until(lambda: ended(settings, published.correlation_ids), "the articles to be indexed")
    article_ids = read(settings, lambda c: {r[0] for r in c.execute("SELECT article_id FROM articles")})
    assert article_ids is not None
    assert len(article_ids) == 2
    old = STAGES["classify"].producer

    stages = [BUMPED if stage.name == "classify" else stage for stage in STAGES.values()]
    async with pipeline(settings, stages):
        first = await reprocess(redis, names, BUMPED, Selection(), reason="test: classify 9.0.0")
        assert (first.selected, first.requested, first.already_current) == (2, 2, 0)
        await until(
            lambda: _classify_versions(settings) == {"classify/9.0.0"}, "classify 9.0.0 facts in force"
        )
        await until(lambda: _indexed(settings) == 4, "the stages after classify to run again")
        before = await lengths(redis, settings)
        again = await reprocess(redis, names, BUMPED, Selection(), reason="test: once more")
        assert (again.selected, again.requested, again.already_current) == (2, 0, 2)
        assert await lengths(redis, settings) == before, "the second run appended nothing"

    classified = [f for _, f in await redis.xrange(names.stream("classified"))]
    assert len(classified) == 4
    for article_id in sorted(article_ids):
        view = read(settings, lambda c, a=article_id: queries.article(c, a))
        assert view is not None
        assert {s.stage: s.stageversion for s in view.lineage}["classify"] == "classify/9.0.0"
        items = read(settings, lambda c, a=article_id: audit.history(c, a)) or []
        versions = [(i.stageversion, i.current) for i in items if i.type == "article.classified"]
        assert versions == [(old, False), ("classify/9.0.0", True)]
        assert [i.type for i in items].count("article.indexed") == 2
        assert "article.reprocess_requested" in {i.type for i in items}
        events = await fetch(redis, names, [(i.stream, i.entry_id) for i in items])
        text = render_history(items, {k: e.event for k, e in events.items()})
        assert text.count("topics: ") == 2, "each classified version shows its topics"


async def test_reprocess_and_history_reach_inputs_trimmed_into_the_archive(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Once the hot tier is trimmed, reprocess selects inputs from the archive, the workers fetch the
    requested entries from it, and history still shows the trimmed events' data."""
    names = settings.names
    async with pipeline(settings, STAGES.values()):
        published = await publish(redis, names, ARTICLES)
        await until(lambda: ended(settings, published.correlation_ids), "the articles to be indexed")
    archiver = Archiver(
        blocking.Redis.from_url(connection.redis_url(settings)),
        open_archive(settings),
        settings.partition_map,
        Policy(segment_entries=100, seal_ms=0, retention_ms=0, order_window_ms=0),
    )
    await redis.delete(names.projectors())  # the test's projector has stopped
    report = archiver.run_once(int(time.time() * 1000) + 1000, seal=True)
    archiver.close()
    assert report.trimmed.get("cleaned.p0") == 2 and await redis.xlen(names.stream("cleaned")) == 0
    # The trimmed entries' guards went with them: nothing can deliver those entries again.
    assert (
        report.guards == 2 * 4
        and [await redis.hlen(names.done(s)) for s in STAGES if s != "ingest"] == [0] * 4
    )

    stages = [BUMPED if stage.name == "classify" else stage for stage in STAGES.values()]
    async with pipeline(settings, stages):
        first = await reprocess(redis, names, BUMPED, Selection(), archive=open_archive(settings))
        assert (first.selected, first.requested) == (2, 2)
        await until(
            lambda: _classify_versions(settings) == {"classify/9.0.0"}, "classify 9.0.0 facts in force"
        )
    article_id = sorted(
        read(settings, lambda c: [r[0] for r in c.execute("SELECT article_id FROM articles")]) or []
    )[0]
    items = read(settings, lambda c: audit.history(c, article_id)) or []
    cleaned = [(i.stream, i.entry_id) for i in items if i.type == "article.cleaned"]
    assert cleaned and not await fetch(redis, names, cleaned)  # trimmed from Redis...
    assert set(await fetch(redis, names, cleaned, open_archive(settings))) == set(cleaned)  # ...archived
