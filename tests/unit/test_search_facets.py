"""Search pages with filters and facets, on a store folded from a synthetic log by the real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.projector import facets
from services.projector.facets import SearchFilter, search_page
from services.projector.store import ReadModelStore
from services.projector.synthetic import synthetic_log

ARTICLES = 60


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadModelStore]:
    with ReadModelStore.open(tmp_path_factory.mktemp("facets") / "s.sqlite") as folded:
        folded.apply_batch(synthetic_log(ARTICLES))
        yield folded


def test_every_match_is_counted_and_facets_add_up(store: ReadModelStore) -> None:
    """Every synthetic article names two organisations: the entity facet sums to twice the total."""
    page = search_page(store.connection, "market", SearchFilter(), limit=5)
    assert page.total == ARTICLES and len(page.hits) == 5
    assert sum(f.count for f in page.entities) == 2 * ARTICLES
    assert sum(f.count for f in page.months) == ARTICLES


def test_filters_narrow_to_articles_that_have_them(store: ReadModelStore) -> None:
    """An entity filter keeps only its articles; a date range only those published in it."""
    conn = store.connection
    tesla = search_page(conn, "market", SearchFilter(entity="tesla"), limit=100)
    assert 0 < tesla.total < ARTICLES
    assert {f.value for f in tesla.entities if f.count == tesla.total} == {"Tesla"}
    dated = search_page(conn, "market", SearchFilter(since="2024-05-02", until="2024-05-03"), limit=100)
    assert dated.total == sum(1 for n in range(ARTICLES) if 2 <= 1 + n % 28 <= 3)
    label = search_page(conn, "market", SearchFilter(), limit=1).topics[0]
    by_topic = search_page(conn, "market", SearchFilter(topic=label.value), limit=100)
    assert by_topic.total == label.count


def test_past_the_facet_sample_the_total_is_still_exact(
    store: ReadModelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more matches than the sample, facets count the best ones and the total counts all."""
    monkeypatch.setattr(facets, "FACET_SAMPLE", 10)
    page = search_page(store.connection, "market", SearchFilter(), limit=5)
    assert page.total == ARTICLES
    assert sum(f.count for f in page.months) == 10
    deep = search_page(store.connection, "market", SearchFilter(), limit=5, offset=40)
    assert len(deep.hits) == 5 and not {h.article_id for h in deep.hits} & {h.article_id for h in page.hits}


def test_no_words_and_no_matches_are_empty_pages(store: ReadModelStore) -> None:
    """Punctuation alone or a word nobody wrote: no hits, no facets, no error."""
    for query in ('"( ) *', "zzzzunheardof"):
        page = search_page(store.connection, query, SearchFilter())
        assert page.total == 0 and page.hits == () and page.topics == ()


def test_latest_lists_the_newest_indexed_articles_first(store: ReadModelStore) -> None:
    """The front page's list: newest publication date first, at most the limit."""
    newest = facets.latest(store.connection, 5)
    assert len(newest) == 5
    dates = [a.published_at or "" for a in newest]
    assert dates == sorted(dates, reverse=True) and dates[0].startswith("2024-05-28")
