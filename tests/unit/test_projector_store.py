"""The read-model store: positions, idempotence, order-insensitivity, the stage-version rule, skipping."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.envelope import Envelope, schema_urn
from services.common.events.facts import ArticleClassifiedV2, CleanArticle, Topic, TopicV2
from services.common.events.intake import ArticleDuplicateV1, ArticleRejectedV1, RejectReason
from services.projector import queries
from services.projector.entries import LogEntry, Undecodable
from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events, event, synthetic_log
from services.projector.work import Work

ECONOMY = Topic(code="medtop:04000000", label="economy, business and finance", score=0.9)
SPORT = Topic(code="medtop:15000000", label="sport", score=0.7)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReadModelStore]:
    with ReadModelStore.open(tmp_path / "readmodels.db") as opened:
        yield opened


def _fresh(tmp_path: Path, name: str, batches: list[list[LogEntry]]) -> str:
    with ReadModelStore.open(tmp_path / name) as other:
        for batch in batches:
            other.apply_batch(batch)
        return other.checksum()


def _classified(article_id: str, topics: list[Topic], stageversion: str) -> Envelope:
    article = CleanArticle(
        article_id=article_id,
        title="T",
        text="Text.",
        language="en",
        language_confidence=1.0,
        word_count=1,
        url=None,
        source=None,
        published_at=None,
        extractor="plain",
    )
    data = ArticleClassifiedV2(
        article=article, topics=[TopicV2(**t.model_dump(), evidence=[]) for t in topics]
    )
    return event("article.classified", data, None, stageversion)


def _interleave(log: list[LogEntry], rng: random.Random) -> list[LogEntry]:
    """A random merge of the streams: each stream stays in order, their relative order does not."""
    streams: dict[str, list[LogEntry]] = {}
    for entry in log:
        streams.setdefault(entry.stream, []).append(entry)
    merged: list[LogEntry] = []
    while streams:
        name = rng.choice(sorted(streams))
        merged.append(streams[name].pop(0))
        if not streams[name]:
            del streams[name]
    return merged


def test_store_is_in_wal_mode(store: ReadModelStore) -> None:
    """The store uses WAL so readers never block the projector."""
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_apply_batch_applies_every_new_entry(store: ReadModelStore) -> None:
    """A fresh store applies every entry and counts each event type once."""
    log = synthetic_log(3)
    assert store.apply_batch(log) == 18
    counters = queries.counters(store.connection)
    assert counters["article.submitted"] == 3
    assert counters["article.indexed"] == 3


def test_reapplying_a_batch_changes_nothing(store: ReadModelStore) -> None:
    """Entries at or before the stored position are skipped: counters and checksum stay the same."""
    log = synthetic_log(3)
    store.apply_batch(log)
    before = (store.checksum(), queries.counters(store.connection), store.positions())
    assert store.apply_batch(log) == 0
    assert (store.checksum(), queries.counters(store.connection), store.positions()) == before


def test_position_is_resumed_after_reopen(tmp_path: Path) -> None:
    """A reopened store resumes from its saved positions and ends where a single run ends."""
    log = synthetic_log(4)
    path = tmp_path / "readmodels.db"
    with ReadModelStore.open(path) as first:
        first.apply_batch(log[:10])
        saved = first.positions()
    with ReadModelStore.open(path) as second:
        assert second.positions() == saved
        assert second.apply_batch(log) == len(log) - 10
        assert second.checksum() == _fresh(tmp_path, "single.db", [log])


def test_positions_compare_entry_ids_as_numbers(store: ReadModelStore) -> None:
    """'10-0' comes after '9-0' (a string comparison would say otherwise)."""
    submitted = article_events(ArticleSpec("a1", "Title", "Text."))[0][1]
    store.apply_batch([LogEntry("submitted", "9-0", submitted)])
    assert store.apply_batch([LogEntry("submitted", "10-0", submitted.model_copy(update={"id": "e2"}))]) == 1
    assert store.positions()["submitted"] == "10-0"
    assert store.positions()["rejected"] == "0-0"


def test_failed_batch_leaves_no_trace(store: ReadModelStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch that fails after writing is rolled back whole, positions included."""
    empty = store.checksum()
    flush = Work.flush

    def flush_then_fail(work: Work) -> None:
        flush(work)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Work, "flush", flush_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.apply_batch(synthetic_log(2))
    assert store.checksum() == empty
    assert set(store.positions().values()) == {"0-0"}


def test_bad_entry_id_is_refused(store: ReadModelStore) -> None:
    """An entry id that is not 'ms-seq' is a wiring fault, raised before anything is written."""
    entry = synthetic_log(1)[0]
    with pytest.raises(ValueError, match="not a stream entry id"):
        store.apply_batch([LogEntry(entry.stream, "17-x", entry.event)])


def test_arrival_order_across_streams_does_not_matter(tmp_path: Path) -> None:
    """Any interleaving of the streams (e.g. classified before ingested) folds to the same state."""
    log = synthetic_log(4)
    in_order = _fresh(tmp_path, "in-order.db", [log])
    rng = random.Random(3)
    for n in range(3):
        shuffled = _interleave(log, rng)
        assert _fresh(tmp_path, f"shuffled-{n}.db", [shuffled]) == in_order


def test_classified_before_ingested_gives_the_same_article(tmp_path: Path) -> None:
    """The first event of an article creates its row; the ingest facts fill it in later."""
    log = synthetic_log(1)
    reordered = [log[3], log[1], log[0], log[2], log[4], log[5]]
    assert reordered[0].event.type == "article.classified"
    assert _fresh(tmp_path, "a.db", [reordered]) == _fresh(tmp_path, "b.db", [log])


def test_batch_size_does_not_change_the_state(tmp_path: Path) -> None:
    """Applying entries one at a time or all at once gives the same read models."""
    log = synthetic_log(3)
    one_by_one = [[entry] for entry in log]
    assert _fresh(tmp_path, "single.db", one_by_one) == _fresh(tmp_path, "batch.db", [log])


def test_two_fresh_stores_fed_the_same_log_agree(tmp_path: Path) -> None:
    """Replaying the same log into two new stores gives identical checksums."""
    log = synthetic_log(5)
    assert _fresh(tmp_path, "one.db", [log]) == _fresh(tmp_path, "two.db", [log])


def test_newer_stage_version_supersedes_older(store: ReadModelStore) -> None:
    """A reprocess with a newer stage version replaces the facts; a late older version does not."""
    log = LogBuilder()
    store.apply_batch([log.entry("classified", _classified("a1", [ECONOMY], "classify/1.9.0"))])
    store.apply_batch([log.entry("classified", _classified("a1", [SPORT], "classify/1.10.0"))])
    late = log.entry("classified", _classified("a1", [ECONOMY, SPORT], "classify/1.2.0"))
    store.apply_batch([late])
    view = queries.article(store.connection, "a1")
    assert view is not None
    assert [t.code for t in view.topics] == [SPORT.code]
    assert [s.stageversion for s in view.lineage] == ["classify/1.10.0"]
    counters = queries.counters(store.connection)
    assert (counters["article.classified"], counters["superseded"]) == (2, 1)


def test_redelivered_event_is_not_counted_twice(store: ReadModelStore) -> None:
    """The same event appearing again at a later entry changes nothing but the 'redelivered' count."""
    log = LogBuilder()
    classified = _classified("a1", [ECONOMY], "classify/1.0.0")
    store.apply_batch([log.entry("classified", classified)])
    before = queries.counters(store.connection)
    store.apply_batch([log.entry("classified", classified)])
    after = queries.counters(store.connection)
    assert after.pop("redelivered") == 1
    assert after == before


def test_duplicates_and_rejections_are_counted_once(store: ReadModelStore) -> None:
    """Duplicates count per article and rejections per reason, each event once however often seen."""
    dup = event("article.duplicate", ArticleDuplicateV1(article_id="a1", content_hash="h"), None, "ingest/1")
    rejected = ArticleRejectedV1(
        stage="clean", reason=RejectReason.EMPTY_TEXT, message="no text", article_id="a1",
        raw="{}", raw_size=2, raw_sha256="0" * 64,
    )  # fmt: skip
    rej = event("article.rejected", rejected, None, "clean/1")
    log = LogBuilder()
    store.apply_batch([log.entry("ingested", dup), log.entry("rejected", rej), log.entry("ingested", dup)])
    counters = queries.counters(store.connection)
    assert (counters["article.duplicate"], counters["article.rejected"], counters["rejected:empty_text"]) == (
        1,
        1,
        1,
    )
    view = queries.article(store.connection, "a1")
    assert view is not None
    assert view.duplicates == 1
    assert [r.reason for r in view.rejections] == ["empty_text"]


def _envelope(event_type: str, data: dict[str, object]) -> Envelope:
    return Envelope(
        id="odd-1", source="newsfacts/test", type=event_type, subject="a1", time="2024-01-01T00:00:00Z",
        dataschema=schema_urn(event_type, 1), correlationid="c", stageversion="test/1", data=data,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (LogEntry("indexed", "5-0", _envelope("article.frobbed", {})), "unknown event type"),
        (LogEntry("cleaned", "5-0", _envelope("article.cleaned", {"article": {}})), "invalid_field"),
        (Undecodable("cleaned", "5-0", "malformed_json: not JSON"), "undecodable"),
    ],
)
def test_unapplicable_entries_are_skipped_not_raised(
    store: ReadModelStore, entry: LogEntry | Undecodable, reason: str
) -> None:
    """Unknown types, unreadable data and undecodable entries are recorded as skipped, and passed."""
    assert store.apply_batch([entry]) == 1
    assert store.positions()[entry.stream] == "5-0"
    rows = store.connection.execute("SELECT stream, entry_id, reason FROM skipped").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(entry.stream, "5-0")]
    assert reason in rows[0][2]
    assert queries.counters(store.connection) == {"skipped": 1}
