"""Read-model queries: ranked safe search, the article view, entity pages, topics and counters."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from services.common.events.facts import Entity, Topic
from services.projector import queries
from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events

ECONOMY = Topic(code="medtop:04000000", label="economy, business and finance", score=0.9)
SCIENCE = Topic(code="medtop:13000000", label="science and technology", score=0.6)


def _xiaomi(mentions: int, forms: list[str]) -> Entity:
    return Entity(
        id="org:xiaomi",
        name="Xiaomi",
        type="organization",
        mentions=mentions,
        surface_forms=forms,
        first_offset=0,
    )


ARTICLES = (
    ArticleSpec(
        "a-cars",
        "Xiaomi starts electric car production",
        "Xiaomi Corp. will build electric cars in Beijing.\n\nThe smartphone maker plans mass production.",
        (ECONOMY, SCIENCE),
        (_xiaomi(2, ["Xiaomi Corp.", "Xiaomi"]),),
        "2024-05-02T08:00:00Z",
    ),
    ArticleSpec(
        "a-phones",
        "Smartphone sales slow in Europe",
        "Shipments fell. Xiaomi sold fewer phones, while batteries and production costs rose.",
        (ECONOMY,),
        (_xiaomi(1, ["Xiaomi"]),),
        "2024-05-03T08:00:00Z",
    ),
    ArticleSpec("a-rain", "Rain expected", "Weather for the weekend: rain, then sun.", (), (), None),
)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    log = LogBuilder()
    with ReadModelStore.open(tmp_path / "readmodels.db") as store:
        for spec in ARTICLES:
            store.apply_batch(log.entries(article_events(spec)))
        yield store.connection


def test_title_hit_ranks_above_body_hit(conn: sqlite3.Connection) -> None:
    """A word in the title outweighs the same word in the body."""
    hits = queries.search(conn, "production")
    assert [h.article_id for h in hits] == ["a-cars", "a-phones"]
    assert hits[0].score > hits[1].score


def test_search_hit_has_snippet_and_metadata(conn: sqlite3.Connection) -> None:
    """A hit carries the title, lede, a snippet with the match marked, and where it came from."""
    (hit,) = queries.search(conn, "shipments")
    assert hit.article_id == "a-phones"
    assert "[Shipments]" in hit.snippet
    assert hit.lede == "Shipments fell. Xiaomi sold fewer phones, while batteries and production costs rose."
    assert hit.url == "https://example.com/a-phones"


def test_search_needs_every_word_then_falls_back_to_any(conn: sqlite3.Connection) -> None:
    """All words must match when some article has them all; otherwise any word will do."""
    assert [h.article_id for h in queries.search(conn, "xiaomi beijing")] == ["a-cars"]
    assert {h.article_id for h in queries.search(conn, "beijing weekend")} == {"a-cars", "a-rain"}


def test_search_stems_and_takes_prefixes(conn: sqlite3.Connection) -> None:
    """'battery' finds 'batteries' (Porter stemming), and 'smartph*' is a prefix search."""
    assert [h.article_id for h in queries.search(conn, "battery")] == ["a-phones"]
    assert {h.article_id for h in queries.search(conn, "smartph*")} == {"a-cars", "a-phones"}


@pytest.mark.parametrize(
    "text",
    ['"', '"unbalanced', "AND", "OR OR", "NOT", "a AND", "NEAR(", "NEAR(a b, 2)", "*", "**", "title:rain",
     "^rain", "(", ")", "'", "-rain", "+", "{a b}", "a:b:c", "", "   ", "\x00", "🙂", "rain*sun", "col:*"],
)  # fmt: skip
def test_hostile_search_text_does_not_raise(conn: sqlite3.Connection, text: str) -> None:
    """FTS5 syntax in user text is treated as words, never as a query language."""
    assert isinstance(queries.search(conn, text), list)


def test_search_operators_are_plain_words(conn: sqlite3.Connection) -> None:
    """'title:rain' is the words 'title' and 'rain', not a column filter; quotes are dropped."""
    assert queries.search(conn, "title:rain")[0].article_id == "a-rain"
    assert queries.search(conn, '"rain"')[0].article_id == "a-rain"


def test_article_view_has_all_that_is_known(conn: sqlite3.Connection) -> None:
    """The view brings together every stage's facts, and the events they came from."""
    view = queries.article(conn, "a-cars")
    assert view is not None
    assert (view.title, view.source, view.language) == (
        "Xiaomi starts electric car production",
        "Synthetic Wire",
        "en",
    )
    assert view.text is not None and view.text.startswith("Xiaomi Corp. will build")
    assert view.word_count == 14
    assert [t.code for t in view.topics] == [ECONOMY.code, SCIENCE.code]
    assert [(e.id, e.mentions, e.surface_forms) for e in view.entities] == [
        ("org:xiaomi", 2, ("Xiaomi Corp.", "Xiaomi"))
    ]
    assert view.money[0]["currency"] == "USD"
    assert view.percentages[0]["value"] == 5.0
    assert view.dates[0]["value"] == "2024-05-01"
    assert view.tone is not None and view.tone["score"] == 0.2
    assert (
        view.lede
        == "Xiaomi Corp. will build electric cars in Beijing. The smartphone maker plans mass production."
    )
    assert any("Xiaomi" in phrase for phrase in view.key_phrases)
    assert {s.stage: s.stageversion for s in view.lineage} == {
        "ingest": "ingest/1.0.0",
        "clean": "clean/1.0.0",
        "classify": "classify/1.0.0",
        "enrich": "enrich/1.0.0",
        "index": "index/1.0.0",
    }
    assert view.duplicates == 0


def test_unknown_article_is_none(conn: sqlite3.Connection) -> None:
    """An id no event has named has no view."""
    assert queries.article(conn, "nope") is None


def test_views_are_json_ready(conn: sqlite3.Connection) -> None:
    """``to_dict()`` output serialises to JSON as it is."""
    view = queries.article(conn, "a-cars")
    page = queries.entity(conn, "xiaomi")
    assert view is not None and page is not None
    for data in (view.to_dict(), page.to_dict(), queries.search(conn, "xiaomi")[0].to_dict()):
        assert orjson.loads(orjson.dumps(data)) is not None


@pytest.mark.parametrize("key", ["org:xiaomi", "Xiaomi", "XIAOMI", " xiaomi ", "xiaomi corp."])
def test_entity_page_is_found_by_id_name_or_alias(conn: sqlite3.Connection, key: str) -> None:
    """An entity is found by id, canonical name (any case) or a form an article wrote it in."""
    page = queries.entity(conn, key)
    assert page is not None
    assert page.id == "org:xiaomi"


def test_entity_page_aggregates_across_articles(conn: sqlite3.Connection) -> None:
    """The page counts articles and mentions over all articles, listing the newest first."""
    page = queries.entity(conn, "Xiaomi")
    assert page is not None
    assert (page.name, page.type, page.article_count, page.mentions) == ("Xiaomi", "organization", 2, 3)
    assert [a.article_id for a in page.articles] == ["a-phones", "a-cars"]
    assert page.aliases == ("Xiaomi", "Xiaomi Corp.")


def test_unknown_entity_is_none(conn: sqlite3.Connection) -> None:
    """A name nobody wrote finds no entity."""
    assert queries.entity(conn, "Nobody Inc") is None


def test_topics_count_articles(conn: sqlite3.Connection) -> None:
    """Each topic counts the articles it is assigned to, most first."""
    assert [(t.code, t.articles) for t in queries.topics(conn)] == [(ECONOMY.code, 2), (SCIENCE.code, 1)]


@pytest.mark.parametrize("key", [ECONOMY.code, "Economy, Business and Finance"])
def test_topic_articles_by_code_or_label(conn: sqlite3.Connection, key: str) -> None:
    """A topic's articles are found by code or label, newest first."""
    assert [a.article_id for a in queries.topic_articles(conn, key)] == ["a-phones", "a-cars"]


def test_counters_count_events_per_type(conn: sqlite3.Connection) -> None:
    """Every event type applied is counted once per event."""
    counters = queries.counters(conn)
    assert counters["article.ingested"] == 3
    assert counters["article.indexed"] == 3


def test_outcomes_count_ended_submissions(conn: sqlite3.Connection) -> None:
    """A submission has ended once its article is indexed (or found duplicate, or rejected)."""
    indexed = conn.execute("SELECT correlationid FROM articles ORDER BY article_id").fetchall()
    ids = [row[0] for row in indexed]
    assert queries.outcomes(conn, [*ids, ids[0], "never-published"]) == 3


def test_readonly_connection_reads_but_cannot_write(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A query API can open the store read-only beside the projector."""
    reader = queries.connect_readonly(tmp_path / "readmodels.db")
    try:
        assert queries.counters(reader)["article.submitted"] == 3
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("DELETE FROM counters")
    finally:
        reader.close()


@pytest.fixture
def bin_laden(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A store with one article naming 'Osama bin Laden', once written just 'Laden'."""
    entity = Entity(
        id="person:osama-bin-laden",
        name="Osama bin Laden",
        type="person",
        mentions=2,
        surface_forms=["Osama bin Laden", "Laden"],
        first_offset=0,
    )
    text = "Osama bin Laden was killed. Laden had hidden."
    spec = ArticleSpec("a-ubl", "Compound raided", text, (), (entity,))
    with ReadModelStore.open(tmp_path / "ubl.db") as store:
        store.apply_batch(LogBuilder().entries(article_events(spec)))
        yield store.connection


@pytest.mark.parametrize("key", ["bin Laden", "BIN LADEN", "Laden", "osama BIN laden", " bin laden "])
def test_entity_is_found_by_any_alias_or_the_end_of_its_name(bin_laden: sqlite3.Connection, key: str) -> None:
    """`entity "bin Laden"` finds Osama bin Laden: any alias, or a word-boundary end of the name, any case."""
    page = queries.entity(bin_laden, key)
    assert page is not None and page.name == "Osama bin Laden"


@pytest.mark.parametrize("key", ["in Laden", "_in laden", "%laden", "bin", "Osama bin"])
def test_a_partial_word_or_a_wildcard_finds_no_entity(bin_laden: sqlite3.Connection, key: str) -> None:
    """Suffixes start at a word boundary, and LIKE wildcards in the name are plain characters."""
    assert queries.entity(bin_laden, key) is None
