"""Corrections and retractions through the live pipeline on a real server, and a rebuild that agrees."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from services.common.settings import Settings
from services.common.worker import worker_app
from services.ingest.logic import ingest, validate
from services.projector import audit, queries
from services.projector.app import projector_app
from services.projector.store import ReadModelStore
from services.projector.views import ArticleView
from services.publish.amendments import correction, retraction, send
from services.publish.publisher import publish
from services.replay.rebuild import replay_into
from services.replay.selection import Selection, select_inputs
from services.stages import STAGES
from tests.integration.live import drained, ended, item, pipeline, read, until
from tests.support import eventually, running

pytestmark = pytest.mark.redis

URL = "https://example.com/sport/final"
MATCH = item(
    "match", title="United win the final", url=URL, source="Wire",
    body="Manchester United won the cup final at Wembley on Saturday. The striker scored twice and the "
    "coach praised the players and the fans after the match.",
)  # fmt: skip
CORRECTED = {
    "title": "United win the final",
    "body": "Manchester United won the cup final at Wembley on Saturday, and the club's shares rose five "
    "percent as investors bet on higher revenue from the stock market listing.",
}
OTHER = item("rates", title="Bank raises rates", body="The central bank raised interest rates on Tuesday.")


def _article(settings: Settings, article_id: str) -> ArticleView | None:
    return read(settings, lambda c: queries.article(c, article_id))


async def test_a_correction_reruns_every_stage_and_supersedes_the_original(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Same id, new hash and text everywhere; both versions in history; the same text again is a duplicate."""
    names = settings.names
    async with pipeline(settings, STAGES.values()):
        published = await publish(redis, names, [MATCH])
        await until(lambda: ended(settings, published.correlation_ids), "the article to be indexed")
        original = read(
            settings, lambda c: c.execute("SELECT article_id, content_hash FROM articles").fetchone()
        )
        assert original is not None
        article_id, first_hash = original

        fix = correction(article_id, {**CORRECTED, "url": URL}, "it was about shares too")
        await send(redis, names, fix)
        await until(lambda: ended(settings, [fix.correlationid]), "the correction to be indexed")
        again = correction(article_id, {**CORRECTED, "url": URL}, "the same text once more")
        await send(redis, names, again)
        await until(lambda: ended(settings, [again.correlationid]), "the repeat to be recorded")

    view = _article(settings, article_id)
    assert view is not None
    assert view.content_hash != first_hash
    assert view.text is not None
    assert "shares rose five percent" in view.text
    assert [(p["value"]) for p in view.percentages] == [5.0], "enrich ran on the new text"
    [found] = read(settings, lambda c: queries.search(c, "investors")) or []
    assert found.article_id == article_id
    counters = read(settings, queries.counters) or {}
    assert (counters["article.corrected"], counters["article.ingested"], counters["article.duplicate"]) == (
        2,
        2,
        1,
    )
    items = read(settings, lambda c: audit.history(c, article_id)) or []
    assert [i.type for i in items].count("article.indexed") == 2
    tree = read(settings, lambda c: audit.lineage(c, article_id))
    assert tree is not None
    assert [r.type for r in tree.roots] == ["article.submitted", "article.corrected", "article.corrected"]
    assert tree.roots[2].children[0].type == "article.duplicate"

    scan = await select_inputs(redis, names, STAGES["classify"], Selection())
    assert (len(scan.chosen), scan.superseded) == (1, 1), "a reprocess would run on the corrected text only"


async def test_a_retraction_removes_the_article_everywhere_and_a_rebuild_agrees(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """After a retraction no query shows the article, its retraction says why, a rebuild agrees."""
    names = settings.names
    async with pipeline(settings, STAGES.values()):
        published = await publish(redis, names, [MATCH, OTHER])
        await until(lambda: ended(settings, published.correlation_ids), "both articles to be indexed")
        [hit] = read(settings, lambda c: queries.search(c, "Wembley")) or []
        fix = correction(hit.article_id, {**CORRECTED, "url": URL}, "shares")
        await send(redis, names, fix)
        await until(lambda: ended(settings, [fix.correlationid]), "the correction to be indexed")
        gone = retraction(hit.article_id, "the match was never played")
        await send(redis, names, gone)
        await until(
            lambda: _article(settings, hit.article_id) is None, "the article to leave the read models"
        )
        await until(lambda: ended(settings, [gone.correlationid]), "the retraction's outcome")

    with closing(queries.connect_readonly(settings.readmodel_path)) as conn:
        assert queries.search(conn, "Wembley") == []
        assert queries.search(conn, "investors shares") == []
        for topic in queries.topics(conn):
            assert hit.article_id not in {a.article_id for a in queries.topic_articles(conn, topic.code)}
        for table in ("article_entities", "entity_aliases", "article_topics", "docs", "lineage"):
            rows = conn.execute(f"SELECT count(*) FROM {table} WHERE article_id = ?", (hit.article_id,))
            assert rows.fetchone() == (0,), table
        remaining = [a for (a,) in conn.execute("SELECT article_id FROM articles")]
        stated = audit.retraction(conn, hit.article_id)
        outcomes = conn.execute("SELECT outcome FROM outcomes WHERE article_id = ?", (hit.article_id,))
        assert {o for (o,) in outcomes} == {"retracted"}
    assert len(remaining) == 1
    assert hit.article_id not in remaining
    assert stated is not None
    assert stated.reason == "the match was never played"
    with (
        ReadModelStore.open(settings.readmodel_path) as live,
        ReadModelStore.open(tmp_path / "rebuilt.db") as rebuilt,
    ):
        await replay_into(redis, names, rebuilt, batch=3)
        assert rebuilt.checksum() == live.checksum()


async def test_corrections_racing_their_originals_through_scaled_stages_always_win(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Every original is followed at once by its correction, and every stage runs two consumers
    taking one entry at a time, so an original and its correction are processed side by side and
    may commit in either order. The read models must end on every correction."""
    names = settings.names
    one_by_one = settings.model_copy(update={"batch_size": 1})
    articles = 24
    sent = []
    for n in range(articles):
        url = f"https://example.com/race/{n}"
        original = item(
            f"o{n}", title=f"Race {n}", url=url, body=f"The first text of story {n} about harbours."
        )
        published = await publish(redis, names, [original])
        article_id = ingest(validate(dict(original.article))).article_id
        fix = correction(
            article_id, {"title": f"Race {n}", "url": url, "body": f"Corrected story {n} on ports."}, "fix"
        )
        await send(redis, names, fix)
        sent.append((article_id, [*published.correlation_ids, fix.correlationid]))

    apps = [
        worker_app(stage, one_by_one, consumer=f"{stage.name}-{k}")
        for stage in STAGES.values()
        for k in (1, 2)
    ]
    async with running(*apps, projector_app(one_by_one)):
        every = [c for _, ids in sent for c in ids]
        await until(lambda: ended(settings, every), "every original and correction to end", within=120)
        await eventually(lambda: drained(redis, settings), "every stage and the projector to drain", 60)

    for article_id, _ in sent:
        view = _article(settings, article_id)
        assert view is not None
        assert view.text is not None and view.text.startswith("Corrected story"), (article_id, view.text)
        found = read(settings, lambda c: queries.search(c, "harbours")) or []
        assert article_id not in {hit.article_id for hit in found}, "the original's text is still searchable"
