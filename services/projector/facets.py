"""Search with filters, paging and facets, and an entity's timeline and company (SQLite read models).

``queries.search`` answers the CLI's question (the best few hits); a web page needs more: the
hits narrowed by topic, entity and date, a page of them at a time, how many there are, and
what they have in common (facets). The query text is made safe exactly as there
(``fts.match_all`` / ``fts.match_any``): nothing a user types is FTS5 syntax.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from services.projector import fts, snippets
from services.projector.queries import WEIGHTS
from services.projector.views import SearchHit, View

_DAY = "COALESCE(a.published_at, a.ingested_at)"
_MATCHES = f"""
SELECT d.article_id, d.title, d.lede, substr(search.text, 1, {snippets.WINDOW}) AS window,
       bm25(search, {", ".join(map(str, WEIGHTS))}) AS rank, d.source, d.url, d.published_at,
       {_DAY} AS day
FROM search JOIN docs AS d ON d.doc_id = search.rowid JOIN articles AS a ON a.article_id = d.article_id
WHERE search MATCH :match
"""


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
    """Articles matching every word of ``query`` (any word if none match all) within ``narrow``."""
    empty = SearchPage((), 0, (), (), ())
    for expression in dict.fromkeys((fts.match_all(query), fts.match_any(query))):
        if expression is None:
            continue
        where, args = _where(narrow)
        args["match"] = expression
        base = f"SELECT * FROM ({_MATCHES}) AS m{where}"
        (total,) = conn.execute(f"SELECT count(*) FROM ({base})", args).fetchone()
        if total == 0:
            continue
        rows = conn.execute(f"{base} ORDER BY rank, article_id LIMIT :limit OFFSET :offset", {
            **args, "limit": limit, "offset": offset,
        }).fetchall()  # fmt: skip
        hits = tuple(
            SearchHit(r[0], r[1], r[2], snippets.snippet(r[3], query, mark), -r[4], r[5], r[6], r[7])
            for r in rows
        )
        return SearchPage(hits, total, *_facets(conn, base, args))
    return empty


def _where(narrow: SearchFilter) -> tuple[str, dict[str, Any]]:
    clauses, args = [], {}
    if narrow.topic:
        clauses.append(
            "EXISTS (SELECT 1 FROM article_topics AS t WHERE t.article_id = m.article_id"
            " AND (t.code = :topic OR t.label = :topic COLLATE NOCASE))"
        )
        args["topic"] = narrow.topic.strip()
    if narrow.entity:
        clauses.append(
            "EXISTS (SELECT 1 FROM article_entities AS e JOIN entities AS x USING (entity_id)"
            " WHERE e.article_id = m.article_id AND (x.entity_id = :entity OR x.name_key = :entity_key))"
        )
        args["entity"], args["entity_key"] = narrow.entity.strip(), narrow.entity.strip().casefold()
    if narrow.since:
        clauses.append("substr(m.day, 1, 10) >= :since")
        args["since"] = narrow.since
    if narrow.until:
        clauses.append("substr(m.day, 1, 10) <= :until")
        args["until"] = narrow.until
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _facets(
    conn: sqlite3.Connection, base: str, args: dict[str, Any]
) -> tuple[tuple[Facet, ...], tuple[Facet, ...], tuple[Facet, ...]]:
    topics = conn.execute(
        f"SELECT t.code, max(t.label), count(*) AS n FROM ({base}) AS f"
        " JOIN article_topics AS t ON t.article_id = f.article_id"
        " GROUP BY t.code ORDER BY n DESC, t.code LIMIT 10",
        args,
    )
    entities = conn.execute(
        f"SELECT e.entity_id, max(e.name), count(*) AS n FROM ({base}) AS f"
        " JOIN article_entities AS e ON e.article_id = f.article_id"
        " GROUP BY e.entity_id ORDER BY n DESC, e.entity_id LIMIT 12",
        args,
    )
    months = conn.execute(
        f"SELECT substr(f.day, 1, 7) AS month, count(*) FROM ({base}) AS f"
        " WHERE f.day IS NOT NULL GROUP BY month ORDER BY month DESC LIMIT 24",
        args,
    )
    return (
        tuple(Facet(*r) for r in topics),
        tuple(Facet(*r) for r in entities),
        tuple(Facet(r[0], r[0], r[1]) for r in months),
    )


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
