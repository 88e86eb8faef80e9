"""Story clusters in the read models: rewrites link, other stories do not, order and retraction."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest

from services.common.envelope import Envelope
from services.projector import queries
from services.projector.entries import LogEntry
from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events, retracted_events
from tests.unit.story_pairs import ECB, ECB_OTHER, ECB_REWRITE, OTHERS, REWRITES

ORIGINAL = ArticleSpec("a1", "ECB holds rates, says wage growth still too strong", ECB, source="Wire")
REWRITE = ArticleSpec("a2", "Lagarde: no talk of cuts as ECB stands pat", ECB_REWRITE, source="Daily")
SECOND_COPY = ArticleSpec("a4", "ECB keeps rates on hold", ECB, source="Weekly")
UNRELATED = ArticleSpec("a3", "ECB raises rates for tenth time", ECB_OTHER, source="Wire")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReadModelStore]:
    with ReadModelStore.open(tmp_path / "readmodels.db") as opened:
        yield opened


def _log(*specs: ArticleSpec) -> list[LogEntry]:
    pairs: list[tuple[str, Envelope]] = [p for spec in specs for p in article_events(spec)]
    return LogBuilder().entries(pairs)


def _members(store: ReadModelStore, article_id: str) -> list[str]:
    cluster = queries.story(store.connection, article_id)
    assert cluster is not None
    return [m.article_id for m in cluster.members]


def test_a_rewrite_under_another_headline_joins_the_original_story(store: ReadModelStore) -> None:
    """Republished wire copy with edited sentences is linked; another story on the same subject is not."""
    store.apply_batch(_log(ORIGINAL, REWRITE, UNRELATED))
    assert _members(store, "a1") == ["a1", "a2"]
    assert _members(store, "a3") == ["a3"]
    cluster = queries.story(store.connection, "a2")
    assert cluster is not None
    similarity = {m.article_id: m.similarity for m in cluster.members}
    assert similarity["a2"] == 1.0
    assert 0.5 <= similarity["a1"] < 1.0
    view = queries.article(store.connection, "a1")
    assert view is not None
    assert view.story == ("a2",)


def test_a_cluster_is_every_article_reachable_through_links(store: ReadModelStore) -> None:
    """Articles linked through a common one are one story, whichever of them is asked about."""
    store.apply_batch(_log(ORIGINAL, REWRITE, SECOND_COPY))
    assert _members(store, "a4") == _members(store, "a2") == ["a1", "a2", "a4"]


def test_an_unknown_article_has_no_story(store: ReadModelStore) -> None:
    """story() says None for an id no event named."""
    assert queries.story(store.connection, "nope") is None


def _fold(path: Path, batches: list[list[LogEntry]]) -> tuple[str, list[tuple[object, ...]]]:
    """The store's checksum and its story links after applying ``batches``."""
    with ReadModelStore.open(path) as other:
        for batch in batches:
            other.apply_batch(batch)
        links = other.connection.execute("SELECT * FROM story_links ORDER BY a, b").fetchall()
        return other.checksum(), links


def test_linking_does_not_depend_on_arrival_order(tmp_path: Path) -> None:
    """Articles published in reverse link the same pairs; streams read in any order, or one entry
    per batch, fold to the same checksum."""
    specs = (ORIGINAL, UNRELATED, REWRITE, SECOND_COPY)
    log = _log(*specs)
    expected = _fold(tmp_path / "in-order.db", [log])
    assert len(expected[1]) == 3, "a1-a2, a1-a4, a2-a4"
    assert _fold(tmp_path / "reverse.db", [_log(*reversed(specs))])[1] == expected[1]
    streams = ["indexed", "enriched", "classified", "cleaned", "ingested", "submitted"]
    backwards = [entry for stream in streams for entry in log if entry.stream == stream]
    assert _fold(tmp_path / "streams-backwards.db", [backwards]) == expected
    assert _fold(tmp_path / "one-by-one.db", [[e] for e in backwards]) == expected


def test_a_retracted_article_leaves_its_cluster(store: ReadModelStore) -> None:
    """The retracted article's signature, bands and links go; the others' clusters no longer name it."""
    store.apply_batch(_log(ORIGINAL, REWRITE, SECOND_COPY))
    store.apply_batch(LogBuilder(ms=1_800_000_000_000).entries(retracted_events("a1")))
    conn = store.connection
    assert queries.story(conn, "a1") is None
    assert _members(store, "a2") == ["a2", "a4"], "a2 and a4 are still close to each other"
    for table, column in (
        ("story_signatures", "article_id"),
        ("story_bands", "article_id"),
        ("story_links", "a"),
    ):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = 'a1'").fetchone() == (0,), table


def test_a_late_fact_of_a_retracted_article_does_not_rejoin_a_cluster(store: ReadModelStore) -> None:
    """Retraction first, the article's index fact after: it is still in no cluster."""
    store.apply_batch(
        LogBuilder().entries([*retracted_events("a1"), *article_events(ORIGINAL), *article_events(REWRITE)])
    )
    assert _members(store, "a2") == ["a2"]


def test_linking_on_hand_written_rewrites_is_precise(store: ReadModelStore) -> None:
    """Evaluation on story_pairs.py: every link made is a true rewrite, and every rewrite is found."""
    specs, truth = [], set()
    for n, (original, rewrite) in enumerate(REWRITES):
        specs += [
            ArticleSpec(f"o{n}", f"Original {n}", original),
            ArticleSpec(f"r{n}", f"Rewrite {n}", rewrite),
        ]
        truth.add((f"o{n}", f"r{n}"))
    specs += [ArticleSpec(f"x{n}", f"Other {n}", text) for n, text in enumerate(OTHERS)]
    store.apply_batch(_log(*specs))
    linked = {(a, b) for a, b in store.connection.execute("SELECT a, b FROM story_links")}
    pairs = len(list(combinations(specs, 2)))
    assert pairs == 36
    precision = len(linked & truth) / len(linked)
    recall = len(linked & truth) / len(truth)
    assert (precision, recall) == (1.0, 1.0), linked
