"""Search stays fast with multi-megabyte articles in the store: the work per hit is bounded."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from services.bench import corpus
from services.common.events.facts import ArticleIndexedV2, SearchDocumentV2
from services.projector import queries, snippets
from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events, event

FOUR_MIB = 4 * 1024 * 1024
#: A guard against the quadratic snippet coming back (it took minutes), not a benchmark: the
#: measured figure is in docs/bench.md.
GUARD_S = 5.0


def _body(n: int) -> str:
    item = corpus.generate(1, seed=n)[0]
    assert item.article is not None
    return str(item.article.get("body") or item.article.get("html"))


def _large(n: int, text: str) -> list[tuple[str, object]]:
    """The indexed fact of a 4 MiB article (built directly: the index stage's key phrases on 4 MiB
    would cost seconds, and search reads only the document)."""
    doc = SearchDocumentV2(
        article_id=f"huge-{n}", title=f"Economy report {n}", lede=text[:200], text=text,
        key_phrases=["economy"], topics=["economy, business and finance"], entities=[], source="Wire",
        url=f"https://example.com/huge-{n}", published_at="2024-05-01T09:00:00Z", language="en",
        word_count=len(text.split()), minhash=[],
    )  # fmt: skip
    return [("indexed", event("article.indexed", ArticleIndexedV2(document=doc), None, "index/1.0.0"))]


def _report(prose: str) -> str:
    """4 MiB of bench-corpus prose naming the economy every few sentences (~12,000 times): FTS5's
    snippet() took 0.3 s on one such article with 1,000 hits, and its work grows with their square."""
    sentences = prose.split(". ")
    marked = ". ".join(f"{s}. The economy grew" if n % 3 == 0 else s for n, s in enumerate(sentences))
    return (marked * (FOUR_MIB // len(marked) + 1))[:FOUR_MIB]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadModelStore]:
    """120 bench-corpus articles and five 4 MiB ones made of bench-corpus text."""
    path = tmp_path_factory.mktemp("large") / "store.db"
    log = LogBuilder()
    with ReadModelStore.open(path) as opened:
        for n in range(120):
            opened.apply_batch(log.entries(article_events(ArticleSpec(f"a{n}", f"Story {n}", _body(n)))))
        text = _report(" ".join(_body(n) for n in range(200, 260)))
        for n in range(5):
            opened.apply_batch(log.entries(_large(n, text)))  # type: ignore[arg-type]
        yield opened


@pytest.mark.parametrize("query", ["economy", "market shares investors", "economy grew"])
def test_search_over_five_4_mib_articles_answers_within_the_guard(store: ReadModelStore, query: str) -> None:
    """Every large article matches; the search, snippets included, ends well inside the guard."""
    started = time.perf_counter()
    hits = queries.search(store.connection, query, limit=20)
    elapsed = time.perf_counter() - started
    assert {f"huge-{n}" for n in range(5)} <= {h.article_id for h in hits} or query != "economy"
    assert hits and all(len(h.snippet) < 400 for h in hits)
    assert elapsed < GUARD_S, f"search {query!r} took {elapsed:.2f} s"


def test_a_snippet_comes_from_the_window_and_marks_the_hit() -> None:
    """The first hit inside the window is marked; a hit only past it gives the text's opening."""
    text = "Opening words here. " + "filler " * 20_000 + "The economy grew."
    assert snippets.snippet("Rates rose. The economy grew fast.", "economies") == (
        "Rates rose. The [economy] grew fast."
    )
    far = snippets.snippet(text, "economy")
    assert far.startswith("Opening words here.") and "[" not in far and far.endswith("…")
    assert snippets.snippet("Nothing here", "") == "Nothing here"
