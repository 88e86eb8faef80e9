"""Ranked full-text search in PostgreSQL: ``websearch_to_tsquery``, ``ts_rank_cd``, ``ts_headline``.

As on SQLite, the user's text is reduced to its words (``fts.terms``) and every word must match,
else any word: the words go to ``websearch_to_tsquery`` as a parameter, never into the SQL. The
title is weighted A (the generated ``search.document``, migrations/0001). Each hit's snippet is
``ts_headline`` over the first ``snippets.WINDOW`` characters of its text only, so the work per hit
is bounded whatever the article's size, as on SQLite (``snippets.py``).
"""

from __future__ import annotations

from typing import Any

import psycopg

from services.projector import fts, snippets
from services.projector.views import SearchHit

#: ts_rank_cd weights of the {D, C, B, A} labels: body, key phrases/entities/topics, lede, title.
WEIGHTS = "{0.1, 0.3, 0.4, 1.0}"
_SEARCH = f"""
SELECT s.article_id, d.title, d.lede,
       ts_headline('english', left(s.text, {snippets.WINDOW}), q, %(options)s),
       ts_rank_cd(%(weights)s::float4[], s.document, q) AS rank, d.source, d.url, d.published_at
FROM websearch_to_tsquery('english', %(words)s) AS q,
     search AS s JOIN docs AS d USING (article_id)
WHERE s.document @@ q
ORDER BY rank DESC, s.article_id LIMIT %(limit)s
"""


def expressions(query: str) -> list[str]:
    """The websearch texts to try in turn: every word, then any word (none when there are no words)."""
    words = [term.strip('"*') for term in fts.terms(query)]
    if not words:
        return []
    return list(dict.fromkeys((" ".join(words), " or ".join(words))))


def search(
    raw: psycopg.Connection[tuple[Any, ...]], query: str, limit: int, mark: tuple[str, str]
) -> list[SearchHit]:
    """Up to ``limit`` hits for ``query``, best first; snippets with the words between ``mark``."""
    start, stop = (m.replace('"', "") for m in mark)
    options = f'StartSel="{start}", StopSel="{stop}", MaxWords={snippets.WORDS}, MinWords=8, ShortWord=2'
    for words in expressions(query):
        params = {"options": options, "weights": WEIGHTS, "words": words, "limit": limit}
        rows = raw.execute(_SEARCH.encode(), params).fetchall()
        if rows:
            return [SearchHit(r[0], r[1], r[2], r[3], float(r[4]), r[5], r[6], r[7]) for r in rows]
    return []
