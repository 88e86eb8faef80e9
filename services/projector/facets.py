"""Search with filters, paging and facets, and an entity's timeline and company (SQLite read models).

``queries.search`` answers the CLI's question (the best few hits); a web page needs more: the
hits narrowed by topic, entity and date, a page of them at a time, how many there are, and
what they have in common (facets). The query text is made safe exactly as there
(``fts.match_all`` / ``fts.match_any``): nothing a user types is FTS5 syntax.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson

from services.projector import fts, snippets
from services.projector.queries import WEIGHTS
from services.projector.views import SearchHit, View

_DAY = "COALESCE(a.published_at, a.ingested_at)"
#: The best matches the facets are counted over (and the deepest a page can start).
FACET_SAMPLE = 1000
_MATCHES = f"""
SELECT d.doc_id, d.article_id, d.title, d.lede, bm25(search, {", ".join(map(str, WEIGHTS))}) AS rank,
       d.source, d.url, d.published_at, d.topics_json, d.entities_json
FROM search JOIN docs AS d ON d.doc_id = search.rowid
WHERE search MATCH :match{{where}} ORDER BY rank, d.article_id LIMIT :cap
"""
_COUNT = (
    "SELECT count(*) FROM search JOIN docs AS d ON d.doc_id = search.rowid WHERE search MATCH :match{where}"
)


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """What a search is narrowed to: a topic (code or label), an entity (id or name), dates (inclusive)."""

    topic: str | None = None
    entity: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Facet(View):
    """A value the matching articles share, and how many have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchPage(View):
    """One page of hits, best first, with the total and the facets of every matching article."""

    hits: tuple[SearchHit, ...]
    total: int
    topics: tuple[Facet, ...]
    entities: tuple[Facet, ...]
    months: tuple[Facet, ...]


def search_page(
    conn: sqlite3.Connection,
    query: str,
    narrow: SearchFilter,
    *,
    limit: int = 20,
    offset: int = 0,
    mark: tuple[str, str] = ("[", "]"),
) -> SearchPage:
    """Articles matching every word of ``query`` (any word if none match all) within ``narrow``.

    The facets count the best ``FACET_SAMPLE`` matches (all of them when there are fewer): one
    ranked read of the search documents, whose topic and entity lists are in the same rows.
    """
    where, args = _where(narrow)
    cap = max(FACET_SAMPLE, offset + limit)
    for expression in dict.fromkeys((fts.match_all(query), fts.match_any(query))):
        if expression is None:
            continue
        rows = conn.execute(
            _MATCHES.format(where=where), {**args, "match": expression, "cap": cap}
        ).fetchall()
        if not rows:
            continue
        total = len(rows)
        if total == cap:
            (total,) = conn.execute(_COUNT.format(where=where), {**args, "match": expression}).fetchone()
        chosen = rows[offset : offset + limit]
        windows = _windows(conn, [r[0] for r in chosen])
        hits = tuple(
            SearchHit(r[1], r[2], r[3], snippets.snippet(windows.get(r[0], ""), query, mark), -r[4], *r[5:8])
            for r in chosen
        )
        return SearchPage(hits, total, *_facets(rows))
    return SearchPage((), 0, (), (), ())


def _windows(conn: sqlite3.Connection, doc_ids: list[int]) -> dict[int, str]:
    """The start of each document's text that its snippet is cut from (``snippets.WINDOW`` characters)."""
    if not doc_ids:
        return {}
    marks = ",".join("?" * len(doc_ids))
    sql = f"SELECT rowid, substr(text, 1, {snippets.WINDOW}) FROM search WHERE rowid IN ({marks})"
    return dict(conn.execute(sql, doc_ids).fetchall())


def _where(narrow: SearchFilter) -> tuple[str, dict[str, Any]]:
    clauses, args = [], {}
    if narrow.topic:
        clauses.append(
            "EXISTS (SELECT 1 FROM article_topics AS t WHERE t.article_id = d.article_id"
            " AND (t.code = :topic OR t.label = :topic COLLATE NOCASE))"
        )
        args["topic"] = narrow.topic.strip()
    if narrow.entity:
        clauses.append(
            "EXISTS (SELECT 1 FROM article_entities AS e JOIN entities AS x USING (entity_id)"
            " WHERE e.article_id = d.article_id AND (x.entity_id = :entity OR x.name_key = :entity_key))"
        )
        args["entity"], args["entity_key"] = narrow.entity.strip(), narrow.entity.strip().casefold()
    if narrow.since:
        clauses.append("substr(d.published_at, 1, 10) >= :since")
        args["since"] = narrow.since
    if narrow.until:
        clauses.append("substr(d.published_at, 1, 10) <= :until")
        args["until"] = narrow.until
    return "".join(f" AND {c}" for c in clauses), args


def _facets(rows: list[Any]) -> tuple[tuple[Facet, ...], tuple[Facet, ...], tuple[Facet, ...]]:
    """Topics (by label), entities (by canonical name) and months (of publication) of the rows, most first."""
    topics: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for row in rows:
        topics.update(set(orjson.loads(row[8])))
        entities.update(set(orjson.loads(row[9])))
        if row[7]:
            months[row[7][:7]] += 1

    def top(counts: Counter[str], n: int) -> tuple[Facet, ...]:
        return tuple(Facet(v, v, c) for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n])

    newest = tuple(Facet(m, m, months[m]) for m in sorted(months, reverse=True)[:24])
    return top(topics, 10), top(entities, 12), newest


@dataclass(frozen=True, slots=True)
class EntityContext(View):
    """Around an entity: articles naming it per month, oldest first, and the entities named beside it."""

    months: tuple[Facet, ...]
    co_mentioned: tuple[Facet, ...]


def entity_context(conn: sqlite3.Connection, entity_id: str, limit: int = 15) -> EntityContext:
    """The entity's articles per month and the entities most often in the same articles."""
    months = conn.execute(
        f"SELECT substr({_DAY}, 1, 7) AS month, count(*) FROM article_entities AS e"
        " JOIN articles AS a USING (article_id) WHERE e.entity_id = ? AND month IS NOT NULL"
        " GROUP BY month ORDER BY month",
        (entity_id,),
    )
    company = conn.execute(
        "SELECT o.entity_id, max(o.name), count(*) AS n FROM article_entities AS e"
        " JOIN article_entities AS o ON o.article_id = e.article_id AND o.entity_id != e.entity_id"
        " WHERE e.entity_id = ? GROUP BY o.entity_id ORDER BY n DESC, o.entity_id LIMIT ?",
        (entity_id, limit),
    )
    return EntityContext(tuple(Facet(r[0], r[0], r[1]) for r in months), tuple(Facet(*r) for r in company))


@dataclass(frozen=True, slots=True)
class RecentArticle(View):
    """An indexed article, for a front page."""

    article_id: str
    title: str
    source: str | None
    published_at: str | None


def latest(conn: sqlite3.Connection, limit: int = 12) -> list[RecentArticle]:
    """The newest indexed articles (by publication date, else by when they were ingested)."""
    rows = conn.execute(
        f"SELECT d.article_id, d.title, d.source, d.published_at FROM docs AS d"
        f" JOIN articles AS a USING (article_id) ORDER BY {_DAY} DESC, d.article_id LIMIT ?",
        (limit,),
    )
    return [RecentArticle(*r) for r in rows]
