"""The read models in PostgreSQL give the same answers as in SQLite, on a real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services import readstore
from services.common.settings import Settings
from services.projector import audit, queries
from services.projector.store import ReadModelStore
from services.projector.synthetic import synthetic_log
from services.readstore.postgres.store import PostgresStore
from services.readstore.store_compare import OVERLAP, SEARCHES, compare
from tests.storelog import store_log


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path) -> Settings:
    """Settings naming the session's PostgreSQL, in a schema of this test's own."""
    return Settings(read_store=postgres_url, data_dir=tmp_path, prefix=f"t{uuid.uuid4().hex[:12]}")


@pytest.fixture
def both(pg: Settings, tmp_path: Path) -> Iterator[tuple[readstore.Store, ReadModelStore]]:
    """The same log folded into PostgreSQL and into SQLite, in batches of 40."""
    log = store_log()
    with readstore.open_store(pg) as postgres, ReadModelStore.open(tmp_path / "rm.sqlite") as sqlite:
        for start in range(0, len(log), 40):
            postgres.apply_batch(log[start : start + 40])
            sqlite.apply_batch(log[start : start + 40])
        yield postgres, sqlite


def test_the_postgres_store_is_chosen_by_its_url(pg: Settings) -> None:
    """NEWSFACTS_READ_STORE=postgresql://... opens the PostgreSQL store; the default stays SQLite."""
    with readstore.open_store(pg) as store:
        assert isinstance(store, PostgresStore)
    assert not readstore.is_postgres(Settings().read_store_url)


def test_same_log_gives_the_same_checksum_on_either_store(
    both: tuple[readstore.Store, ReadModelStore],
) -> None:
    """The digest is over rows read in a defined order, so the two stores of one log agree."""
    postgres, sqlite = both
    assert postgres.checksum() == sqlite.checksum()


def test_same_log_gives_the_same_views_on_either_store(both: tuple[readstore.Store, ReadModelStore]) -> None:
    """Article, story, history, lineage, entity and topic pages and counters are equal."""
    postgres, sqlite = both
    pc, sc = postgres.connection, sqlite.connection
    ids = [r[0] for r in sc.execute("SELECT article_id FROM articles ORDER BY article_id")]
    assert len(ids) > 10
    for article_id in [*ids, "m-gone", "no-such-article"]:
        for view in (queries.article, queries.story, audit.history, audit.lineage, audit.retraction):
            mine, theirs = view(pc, article_id), view(sc, article_id)  # type: ignore[operator]
            assert mine == theirs, (view.__name__, article_id)
    names = [r[0] for r in sc.execute("SELECT name FROM entities ORDER BY entity_id")]
    assert names
    for name in [*names, "bin Laden", "nobody at all"]:
        assert queries.entity(pc, name) == queries.entity(sc, name), name
    assert queries.topics(pc) == queries.topics(sc)
    for topic in queries.topics(sc):
        for key in (topic.code, topic.label.upper()):
            assert queries.topic_articles(pc, key) == queries.topic_articles(sc, key)
    assert queries.counters(pc) == queries.counters(sc)
    assert audit.retracted_ids(pc) == audit.retracted_ids(sc) == {"m-gone"}


def test_search_finds_the_same_articles_on_either_store(both: tuple[readstore.Store, ReadModelStore]) -> None:
    """Top-10 overlap of at least 0.9 over the queries, with the words marked in PostgreSQL's snippets."""
    postgres, sqlite = both
    words = ["Xiaomi", "electric cars", "central bank rates", "inflation investors", "production Beijing"]
    words += ["withdrawn", "election", "football", "oil prices", "rates zebra"]
    overlaps = []
    for query in words:
        mine = queries.search(postgres.connection, query)
        theirs = queries.search(sqlite.connection, query)
        a, b = {h.article_id for h in mine}, {h.article_id for h in theirs}
        overlaps.append(len(a & b) / max(len(a | b), 1) if a or b else 1.0)
        assert all("[" in h.snippet for h in mine if h.snippet), query
    assert sum(overlaps) / len(overlaps) >= 0.9, overlaps
    assert queries.search(postgres.connection, "withdrawn") == []  # retracted: gone from search


def test_a_word_star_term_is_a_prefix_on_either_store(both: tuple[readstore.Store, ReadModelStore]) -> None:
    """'rat*' finds the articles about rates, as FTS5's prefix query does; with other words too."""
    postgres, sqlite = both
    for query in ("rat*", "central rat*", "zebra* bank"):
        mine = {h.article_id for h in queries.search(postgres.connection, query)}
        theirs = {h.article_id for h in queries.search(sqlite.connection, query)}
        assert mine == theirs and mine, query


@pytest.mark.parametrize(
    "query",
    ["'); DROP TABLE articles; --", '"unbalanced', "a & b | !c", ":* <-> ()", "", "%s %(x)s", "rates*"],
)
def test_search_text_never_reaches_the_sql(both: tuple[readstore.Store, ReadModelStore], query: str) -> None:
    """Any text is a parameter: no error, no change, and the tables are still there."""
    postgres, _ = both
    assert isinstance(queries.search(postgres.connection, query), list)
    assert queries.article(postgres.connection, "m-rates") is not None


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ("SELECT entity_id FROM entities AS e WHERE name_key = %s", "entities_name_key"),
        ("SELECT entity_id FROM entity_aliases WHERE alias = %s", "entity_aliases_alias"),
        ("SELECT article_id FROM article_entities WHERE entity_id = %s", "article_entities_entity"),
        (
            "SELECT article_id FROM article_topics WHERE code = %s OR lower(label) = lower(%s)",
            "article_topics_label",
        ),
        (
            "SELECT article_id FROM search WHERE document @@ websearch_to_tsquery('english', %s)",
            "search_document",
        ),
    ],
)
def test_entity_topic_and_search_pages_are_served_by_indexes(
    both: tuple[readstore.Store, ReadModelStore], lookup: str, index: str
) -> None:
    """Each look-up behind the entity, topic and search pages can be answered from its index."""
    postgres, _ = both
    raw = postgres.connection.raw  # type: ignore[attr-defined]
    with raw.transaction():
        raw.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask whether an index serves it at all
        params = ("xiaomi",) * lookup.count("%s")
        plan = "\n".join(r[0] for r in raw.execute(f"EXPLAIN {lookup}", params))
    assert index in plan, plan


def test_store_compare_finds_the_stores_equal_on_a_bench_corpus(pg: Settings, tmp_path: Path) -> None:
    """300 articles of the bench's synthetic corpus: every view and counter equal, and each of the 30
    comparison searches finding as many articles. The top ten differ (overlap about 0.5): every
    article matches most searches and the two rankings order near-ties differently."""
    log = synthetic_log(300)
    with readstore.open_store(pg) as postgres, ReadModelStore.open(tmp_path / "bench.sqlite") as sqlite:
        for start in range(0, len(log), 500):
            postgres.apply_batch(log[start : start + 500])
            sqlite.apply_batch(log[start : start + 500])
        found = compare(postgres.connection, sqlite.connection)
        for query in SEARCHES:
            hits = [len(queries.search(conn, query)) for conn in (postgres.connection, sqlite.connection)]
            assert hits[0] == hits[1], query
    assert found.differences == []
    assert 0.3 < found.overlap < OVERLAP, found.overlap  # README states it; a change to it shows here
    assert found.checked > 600
