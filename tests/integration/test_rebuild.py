"""The rebuild's fast path (bulk load, reader process) against the live projector, on a real server."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest
import redis.asyncio as aioredis

from services.common import connection
from services.common.envelope import Envelope, encode
from services.common.events.control import ArticleReprocessRequestedV1
from services.common.events.facts import ArticleClassifiedV2, ArticleCleanedV1, Entity, Topic, TopicV2
from services.common.events.intake import ArticleDuplicateV1
from services.common.names import EVENT_FIELD
from services.common.settings import Settings
from services.projector import queries
from services.projector.store import ReadModelStore
from services.projector.synthetic import (
    ArticleSpec,
    article_events,
    corrected_events,
    event,
    retracted_events,
    synthetic_spec,
)
from services.replay.rebuild import BadEntries, BadEntry, rebuild_from, replay_into
from tests.integration.test_projector import caught_up, projecting

pytestmark = pytest.mark.redis

SPORT = Topic(code="medtop:15000000", label="sport", score=0.7)


def _reclassified(pairs: list[tuple[str, Envelope]], version: str) -> tuple[str, Envelope]:
    """What a reprocess by classify at ``version`` makes of the article's cleaned event."""
    cleaned = next(e for s, e in pairs if e.type == "article.cleaned")
    article = ArticleCleanedV1.model_validate(cleaned.data).article
    data = ArticleClassifiedV2(article=article, topics=[TopicV2(**SPORT.model_dump(), evidence=["goal"])])
    return "classified", event("article.classified", data, cleaned, f"classify/{version}")


def _messy_log() -> list[tuple[str, Envelope]]:
    """Twelve articles, two of them rewrites of one text, then corrections, a reprocess with its request,
    an older stage version arriving late, exact duplicates, re-delivered events and two retractions."""
    rng = random.Random(15)
    specs = [synthetic_spec(n, rng, size=900) for n in range(12)]
    twin = specs[0]
    specs.append(
        ArticleSpec("art-twin", twin.title, twin.text + " One more line.", twin.topics, twin.entities)
    )
    pairs = [p for spec in specs for p in article_events(spec)]
    renamed = Entity(
        id="org:brandnew",
        name="Brandnew",
        type="organization",
        mentions=1,
        surface_forms=["Bn"],
        first_offset=0,
    )
    fixed = ArticleSpec(
        specs[1].article_id, "Corrected title", "A corrected text. " * 20, (SPORT,), (renamed,)
    )
    pairs += corrected_events(fixed, note="wrong company")
    pairs += corrected_events(
        ArticleSpec(specs[2].article_id, specs[2].title, specs[2].text + " Amended.", specs[2].topics)
    )
    newer = _reclassified(article_events(specs[3]), "9.0.0")
    request = ArticleReprocessRequestedV1(
        stage="classify", entry_id="1-0", event_id="e", reason="new lexicon"
    )
    pairs += [
        ("cleaned", event("article.reprocess_requested", request, None, "replay/classify/9.0.0")),
        newer,
    ]
    pairs.append(_reclassified(article_events(specs[4]), "0.9.0"))  # older version, arrives later: superseded
    copy = ArticleDuplicateV1(article_id=specs[5].article_id, content_hash=f"hash-{specs[5].article_id}")
    pairs.append(("ingested", event("article.duplicate", copy, None, "ingest/1.0.0")))
    pairs += [p for p in article_events(specs[6]) if p[0] in ("classified", "indexed")]  # re-delivered
    pairs += retracted_events(specs[7].article_id, reason="not true")
    pairs += retracted_events(twin.article_id, reason="copy")
    pairs += retracted_events("never-seen", reason="gone before it came")
    return pairs


async def _append(redis: aioredis.Redis, settings: Settings, pairs: list[tuple[str, Envelope]]) -> None:
    for short, ev in pairs:
        await redis.xadd(settings.names.stream(short), {EVENT_FIELD: encode(ev)})


async def test_the_fast_rebuild_gives_the_live_projectors_read_models_on_a_messy_log(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """Corrections, a reprocess, a superseded version, duplicates, re-deliveries and retractions: the
    bulk rebuild (reader process, deferred FTS, links and indexes) matches the live fold entry for entry."""
    live_settings = settings.model_copy(update={"batch_size": 2})  # many small live transactions
    await _append(redis, settings, _messy_log())
    async with projecting(live_settings):
        await caught_up(redis, live_settings)
    url = connection.redis_url(settings)
    with ReadModelStore.open(settings.readmodel_path) as live:
        expected = live.checksum()
        links = live.connection.execute("SELECT count(*) FROM story_links").fetchone()[0]
        counters = queries.counters(live.connection)
    assert counters["superseded"] == 1 and counters["redelivered"] == 2 and counters["article.duplicate"] == 1
    for batch in (7, 5000):
        with ReadModelStore.open(tmp_path / f"fast-{batch}.db", bulk=True) as fast:
            rebuild_from(url, settings.names, fast, batch=batch)
            fast.settle()
            assert fast.checksum() == expected, f"batch {batch}"
    with ReadModelStore.open(tmp_path / "inprocess.db", bulk=True) as here:
        await replay_into(redis, settings.names, here, batch=3)
        here.settle()
        assert here.checksum() == expected
    assert links == 0  # the twin was retracted, and its links with it
    with ReadModelStore.open(tmp_path / "fast-5000.db") as settled:
        assert queries.search(settled.connection, "corrected text")[0].title == "Corrected title"
        assert settled.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_rewrites_are_linked_by_the_bulk_load_as_by_the_live_fold(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """Story links, made once at the end of a bulk load, are the links the live fold made one by one."""
    rng = random.Random(3)
    spec = synthetic_spec(0, rng, size=900)
    rewrites = [ArticleSpec(f"rw-{n}", spec.title, spec.text + f" Edit {n}.", spec.topics) for n in range(3)]
    await _append(redis, settings, [p for s in (spec, *rewrites) for p in article_events(s)])
    async with projecting(settings.model_copy(update={"batch_size": 1})):
        await caught_up(redis, settings)
    with ReadModelStore.open(settings.readmodel_path) as live:
        expected = live.connection.execute("SELECT * FROM story_links ORDER BY a, b").fetchall()
    with ReadModelStore.open(tmp_path / "fast.db", bulk=True) as fast:
        rebuild_from(connection.redis_url(settings), settings.names, fast)
        fast.settle()
        assert fast.connection.execute("SELECT * FROM story_links ORDER BY a, b").fetchall() == expected
    assert len(expected) == 6  # four versions of one story: every pair


async def test_an_unreadable_entry_stops_a_rebuild_unless_told_to_skip_it(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """Garbage, an unknown type and a newer schema version each stop the rebuild naming stream and entry;
    skipping records them as the live projector does, so the two stores still agree."""
    rng = random.Random(5)
    await _append(redis, settings, article_events(synthetic_spec(0, rng, size=900)))
    names = settings.names
    garbage = (await redis.xadd(names.stream("cleaned"), {EVENT_FIELD: b"{not json"})).decode()
    good = article_events(synthetic_spec(1, rng, size=900))[2][1]
    unknown = good.model_copy(update={"id": "u1", "type": "article.unheard_of"})
    future = good.model_copy(update={"id": "f1", "dataschema": "urn:newsfacts:schema:article.cleaned:99"})
    for ev in (unknown, future):
        await redis.xadd(names.stream("cleaned"), {EVENT_FIELD: orjson.dumps(ev.model_dump(mode="json"))})
    url = connection.redis_url(settings)
    with ReadModelStore.open(tmp_path / "strict.db", bulk=True) as strict, pytest.raises(BadEntry) as stop:
        rebuild_from(url, names, strict)
    assert str(stop.value).startswith(f"{names.stream('cleaned')} entry {garbage}: undecodable")
    bad = BadEntries(names, skip=True)
    with ReadModelStore.open(tmp_path / "skipping.db", bulk=True) as skipping:
        rebuild_from(url, names, skipping, bad=bad)
        skipping.settle()
        rebuilt = skipping.checksum()
    assert bad.found[0].startswith(f"{names.stream('cleaned')} entry {garbage}: undecodable")
    assert len(bad.found) == 3
    assert "unknown event type 'article.unheard_of'" in bad.found[1]
    assert "version 99 is not known" in bad.found[2]
    async with projecting(settings):
        await caught_up(redis, settings)
    with ReadModelStore.open(settings.readmodel_path) as live:
        assert live.checksum() == rebuilt
