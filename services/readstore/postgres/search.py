"""Ranked full-text search in PostgreSQL: ``websearch_to_tsquery``, ``ts_rank_cd``, ``ts_headline``.

As on SQLite, the user's text is reduced to its words (``fts.terms``) and every word must match,
else any word: the words go to ``websearch_to_tsquery`` as a parameter, never into the SQL (a
``word*`` term, letters and digits only, goes to ``to_tsquery`` as the prefix ``word:*``). The
title is weighted A (the generated ``search.document``, migrations/0001). Each hit's snippet is
``ts_headline`` over the first ``snippets.WINDOW`` characters of its text only, so the work per hit
is bounded whatever the article's size, as on SQLite (``snippets.py``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import psycopg

from services.projector import fts, snippets
from services.projector.views import SearchHit

#: ts_rank_cd weights of the {D, C, B, A} labels: body, key phrases/entities/topics, lede, title.
WEIGHTS = "{0.1, 0.3, 0.4, 1.0}"
_SEARCH = f"""
SELECT s.article_id, d.title, d.lede,
       ts_headline('english', left(s.text, {snippets.WINDOW}), q, %(options)s),
       ts_rank_cd(%(weights)s::float4[], s.document, q, 1) AS rank, d.source, d.url, d.published_at
FROM (SELECT {{query}} AS q) AS asked, search AS s JOIN docs AS d USING (article_id)
WHERE s.document @@ q
ORDER BY rank DESC, s.article_id LIMIT %(limit)s
"""
_WORDS = "websearch_to_tsquery('english', %(words)s)"
#: A ``word*`` term: the word (letters and digits only, ``fts.terms``) as a prefix, unstemmed.
_PREFIX = "to_tsquery('simple', %(prefix{n})s)"


class Expression(NamedTuple):
    """One way to ask: the tsquery's SQL (operators and placeholders only) and its parameters."""

    sql: str
    params: dict[str, str]


def expressions(query: str) -> list[Expression]:
    """The queries to try in turn: every term, then any term (none when there are no terms).

    Plain words go to ``websearch_to_tsquery``; a ``word*`` term is a prefix (``word:*``).
    """
    terms = fts.terms(query)
    words = [t.strip('"') for t in terms if not t.endswith("*")]
    prefixes = {f"prefix{n}": t.strip('"*') + ":*" for n, t in enumerate(t for t in terms if t.endswith("*"))}
    if not terms:
        return []
    found = []
    for joiner, operator in ((" ", " && "), (" or ", " || ")):
        parts = [_WORDS] if words else []
        parts += [_PREFIX.format(n=n) for n in range(len(prefixes))]
        params = {"words": joiner.join(words), **prefixes} if words else dict(prefixes)
        found.append(Expression(operator.join(parts), params))
    return found if len(terms) > 1 else found[:1]  # one term: every and any are the same


def search(
    raw: psycopg.Connection[tuple[Any, ...]], query: str, limit: int, mark: tuple[str, str]
) -> list[SearchHit]:
    """Up to ``limit`` hits for ``query``, best first; snippets with the words between ``mark``."""
    start, stop = (m.replace('"', "") for m in mark)
    options = f'StartSel="{start}", StopSel="{stop}", MaxWords={snippets.WORDS}, MinWords=8, ShortWord=2'
    for expression in expressions(query):
        params = {"options": options, "weights": WEIGHTS, "limit": limit, **expression.params}
        rows = raw.execute(_SEARCH.format(query=expression.sql).encode(), params).fetchall()
        if rows:
            return [SearchHit(r[0], r[1], r[2], r[3], float(r[4]), r[5], r[6], r[7]) for r in rows]
    return []
