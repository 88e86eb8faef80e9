"""Corrections, retractions and history in the read models: what they change; order does not matter."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.envelope import Envelope
from services.common.events.facts import ArticleClassifiedV2, ArticleCleanedV1, Entity, Topic, TopicV2
from services.common.names import LOG_STREAMS
from services.projector import audit, queries
from services.projector.entries import LogEntry
from services.projector.store import ReadModelStore
from services.projector.synthetic import (
    ArticleSpec,
    LogBuilder,
    article_events,
    corrected_events,
    event,
    retracted_events,
)

ECONOMY = Topic(code="medtop:04000000", label="economy, business and finance", score=0.9)
SPORT = Topic(code="medtop:15000000", label="sport", score=0.7)


def _entity(name: str, text: str) -> Entity:
    return Entity(
        id=f"org:{name.lower()}", name=name, type="organization", mentions=1, surface_forms=[name],
        first_offset=max(text.find(name), 0),
    )  # fmt: skip


def _spec(article_id: str, title: str, text: str, topic: Topic, *orgs: str) -> ArticleSpec:
    return ArticleSpec(article_id, title, text, (topic,), tuple(_entity(o, text) for o in orgs))


ORIGINAL = _spec(
    "a1", "Xiaomi plant opens", "Xiaomi opened a plant with Tesla nearby.", ECONOMY, "Xiaomi", "Tesla"
)
CORRECTED = _spec("a1", "Xiaomi plant opens", "Xiaomi opened a stadium for the league.", SPORT, "Xiaomi")
OTHER = _spec("a2", "Tesla cuts prices", "Tesla cut prices again.", ECONOMY, "Tesla")
DOOMED = _spec("a3", "Nvidia rumour", "Nvidia will buy Sony, a rumour says.", ECONOMY, "Nvidia", "Sony")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReadModelStore]:
    with ReadModelStore.open(tmp_path / "readmodels.db") as opened:
        yield opened


def _reclassified(pairs: list[tuple[str, Envelope]], topic: Topic, version: str) -> tuple[str, Envelope]:
    """What a reprocess by classify at ``version`` makes of the article's cleaned event."""
    cleaned = next(e for s, e in pairs if e.type == "article.cleaned")
    article = ArticleCleanedV1.model_validate(cleaned.data).article
    data = ArticleClassifiedV2(article=article, topics=[TopicV2(**topic.model_dump(), evidence=["x"])])
    return "classified", event("article.classified", data, cleaned, f"classify/{version}")


def amended_log() -> list[LogEntry]:
    """Three articles; a1 corrected and reclassified by a newer version, a3 retracted, in log order."""
    original, doomed = article_events(ORIGINAL), article_events(DOOMED)
    pairs = [*original, *article_events(OTHER), *doomed]
    pairs += [*corrected_events(CORRECTED, note="it was a stadium"), *retracted_events("a3", reason="false")]
    pairs.append(_reclassified(original, SPORT, "9.0.0"))  # a late reprocess of old text: wins on version
    pairs.append(_reclassified(doomed, SPORT, "0.5.0"))  # older version, late: superseded, retracted or not
    return LogBuilder().entries(pairs)


def _fold(tmp_path: Path, name: str, batches: list[list[LogEntry]]) -> str:
    with ReadModelStore.open(tmp_path / name) as other:
        for batch in batches:
            other.apply_batch(batch)
        return other.checksum()


def _stream_by_stream(log: list[LogEntry], order: list[str]) -> list[LogEntry]:
    """The log read as a rebuild reads it: one whole stream after another, in ``order``."""
    return [entry for stream in order for entry in log if entry.stream == stream]


def test_a_retraction_removes_the_article_from_every_read_model(store: ReadModelStore) -> None:
    """Article row, topics, entities only it named, aliases, search, lineage: gone; other articles stay."""
    log = LogBuilder()
    store.apply_batch(log.entries([*article_events(OTHER), *article_events(DOOMED)]))
    store.apply_batch(log.entries(retracted_events("a3", reason="a false rumour")))
    conn = store.connection
    assert queries.article(conn, "a3") is None
    assert queries.search(conn, "Nvidia") == []
    assert queries.entity(conn, "Nvidia") is None, "an entity no article mentions leaves the entity pages"
    assert queries.topic_articles(conn, ECONOMY.code) == [queries.topic_articles(conn, ECONOMY.code)[0]]
    for table in ("articles", "article_topics", "article_entities", "entity_aliases", "docs", "lineage"):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE article_id = 'a3'").fetchone() == (0,), table
    assert conn.execute("SELECT count(*) FROM search").fetchone() == (1,)
    assert queries.article(conn, "a2") is not None
    gone = audit.retraction(conn, "a3")
    assert gone is not None
    assert gone.reason == "a false rumour"
    outcomes = conn.execute("SELECT outcome FROM outcomes WHERE article_id = 'a3' ORDER BY outcome")
    assert [o for (o,) in outcomes] == ["retracted", "retracted"], "its indexed outcome and the retraction"


def test_facts_arriving_after_a_retraction_are_ignored(tmp_path: Path) -> None:
    """The article's facts read after its retraction leave the same state as facts read before it."""
    log = LogBuilder().entries([*article_events(DOOMED), *retracted_events("a3")])
    late = _stream_by_stream(log, ["submitted", "ingested", "cleaned", "classified", "enriched", "indexed"])
    assert [e.event.type for e in late][3] == "article.retracted", "the retraction before the stage facts"
    expected = _fold(tmp_path, "in-order.db", [log])
    assert _fold(tmp_path, "late.db", [late]) == expected
    assert _fold(tmp_path, "late-one-by-one.db", [[e] for e in late]) == expected


def test_the_fold_is_the_same_whatever_order_the_streams_are_read_in(tmp_path: Path) -> None:
    """A log with a correction, a retraction and a reprocess folds to one checksum in any stream order."""
    log = amended_log()
    expected = _fold(tmp_path, "in-order.db", [log])
    rng = random.Random(11)
    orders = [rng.sample(LOG_STREAMS, len(LOG_STREAMS)) for _ in range(6)]
    for n, order in enumerate([*orders, list(reversed(LOG_STREAMS))]):
        batches = [[e for e in log if e.stream == stream] for stream in order]  # as a rebuild reads it
        assert _fold(tmp_path, f"streams-{n}.db", batches) == expected, order
        assert _fold(tmp_path, f"merged-{n}.db", [_stream_by_stream(log, order)]) == expected, order


def test_batch_size_does_not_change_the_fold_of_amendments(tmp_path: Path) -> None:
    """One entry per batch, whatever the order of the streams, gives the same state as one batch."""
    log = amended_log()
    expected = _fold(tmp_path, "whole.db", [log])
    assert _fold(tmp_path, "single.db", [[e] for e in log]) == expected
    backwards = _stream_by_stream(log, list(reversed(LOG_STREAMS)))
    assert _fold(tmp_path, "single-backwards.db", [[e] for e in backwards]) == expected
    retraction_first = _stream_by_stream(log, ["submitted", "ingested", *LOG_STREAMS[2:]])
    assert _fold(tmp_path, "single-retraction-first.db", [[e] for e in retraction_first]) == expected


def test_a_correction_supersedes_the_original_at_the_same_stage_version(store: ReadModelStore) -> None:
    """Same stage versions: the correction's facts, applied later, replace the original's in every model."""
    log = LogBuilder()
    store.apply_batch(log.entries(article_events(ORIGINAL)))
    before = queries.article(store.connection, "a1")
    store.apply_batch(log.entries(corrected_events(CORRECTED)))
    after = queries.article(store.connection, "a1")
    assert before is not None
    assert after is not None
    assert after.content_hash != before.content_hash
    assert after.text == CORRECTED.text
    assert [t.code for t in after.topics] == [SPORT.code]
    assert [e.name for e in after.entities] == ["Xiaomi"]
    assert queries.entity(store.connection, "Tesla") is None
    assert queries.search(store.connection, "stadium")[0].article_id == "a1"
    assert queries.search(store.connection, "nearby") == []
    assert queries.counters(store.connection).get("superseded", 0) == 0


def test_history_keeps_every_version_and_marks_the_current_ones(store: ReadModelStore) -> None:
    """Both versions of every stage fact are listed, oldest first; only the correction's are current."""
    log = LogBuilder()
    store.apply_batch(log.entries(article_events(ORIGINAL)))
    store.apply_batch(log.entries(corrected_events(CORRECTED, note="stadium, not plant")))
    items = audit.history(store.connection, "a1")
    types = [i.type for i in items]
    assert types.count("article.classified") == 2
    assert types.count("article.ingested") == 2
    assert "article.corrected" in types
    current = [i.type for i in items if i.current]
    assert sorted(current) == sorted(
        f"article.{t}" for t in ("ingested", "cleaned", "classified", "enriched", "indexed")
    )
    assert all(i.current for i in items[-5:])
    store.apply_batch(log.entries([]))
    assert audit.history(store.connection, "a1") == items


def test_history_is_recorded_once_however_often_an_entry_is_fed(store: ReadModelStore) -> None:
    """Re-feeding entries already applied adds no history row."""
    entries = LogBuilder().entries(article_events(ORIGINAL))
    store.apply_batch(entries)
    store.apply_batch(entries)
    assert len(audit.history(store.connection, "a1")) == 5, (
        "every event that names the article (not the submission)"
    )


def test_lineage_is_a_tree_with_a_branch_per_version(store: ReadModelStore) -> None:
    """Submission and correction are roots; a reprocess branches under the input it re-ran."""
    original = article_events(ORIGINAL)
    store.apply_batch(LogBuilder().entries([*original, *corrected_events(CORRECTED, note="stadium")]))
    store.apply_batch([LogEntry("classified", "1800000000000-0", _reclassified(original, SPORT, "9.0.0")[1])])
    tree = audit.lineage(store.connection, "a1")
    assert tree is not None
    assert [(r.type, r.note) for r in tree.roots] == [
        ("article.submitted", ORIGINAL.title),
        ("article.corrected", "stadium"),
    ]
    cleaned = tree.roots[0].children[0].children[0]
    assert cleaned.type == "article.cleaned"
    assert [(c.type, c.stageversion, c.current) for c in cleaned.children] == [
        ("article.classified", "classify/1.0.0", False),
        ("article.classified", "classify/9.0.0", True),
    ]
    assert tree.roots[1].children[0].type == "article.ingested"


def test_a_retracted_article_keeps_its_history_and_says_why(store: ReadModelStore) -> None:
    """The audit trail stays: history and lineage list its events and the retraction; none is current."""
    store.apply_batch(LogBuilder().entries([*article_events(DOOMED), *retracted_events("a3", "wrong")]))
    tree = audit.lineage(store.connection, "a3")
    assert tree is not None
    assert tree.retracted is not None
    assert tree.retracted.reason == "wrong"
    items = audit.history(store.connection, "a3")
    assert [i.type for i in items][-2:] == ["article.retracted", "article.retracted"]
    assert not any(i.current for i in items)


def test_the_first_retraction_of_an_article_stands(store: ReadModelStore) -> None:
    """A second retraction is counted but does not replace the first one's reason."""
    log = LogBuilder()
    store.apply_batch(log.entries(retracted_events("a3", "first")))
    store.apply_batch(log.entries(retracted_events("a3", "second")))
    gone = audit.retraction(store.connection, "a3")
    assert gone is not None
    assert gone.reason == "first"
    assert queries.counters(store.connection)["article.retracted"] == 4, "two requests, two facts"


def test_amendments_are_counted_once_per_event(store: ReadModelStore) -> None:
    """article.corrected is counted per request; article.retracted per request and per fact."""
    entries = LogBuilder().entries([*corrected_events(CORRECTED), *retracted_events("a1")])
    store.apply_batch(entries)
    store.apply_batch([LogEntry(e.stream, f"1900000000000-{n}", e.event) for n, e in enumerate(entries)])
    counters = queries.counters(store.connection)
    assert (counters["article.corrected"], counters["article.retracted"]) == (1, 2)
