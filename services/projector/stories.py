"""Story clusters: articles whose texts are near-duplicates (a rewrite of the same wire copy).

Each indexed article's MinHash signature is split into ``BANDS`` bands of ``ROWS`` values
(LSH): two articles sharing any band are candidates, and a candidate pair is linked when
the signatures' estimated Jaccard similarity is at least ``THRESHOLD``. A link depends
only on the two signatures, never on which article came first, so the fold stays
order-insensitive; a cluster is the connected component of links, computed when asked.

With 16 bands of 4, a pair at Jaccard 0.5 shares a band with probability 0.64, at 0.6
0.89, at 0.7 0.99, at 0.3 0.12 (and is then rejected by the threshold).
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Collection, Sequence

import orjson

from services.projector.sqlconn import Connection

BANDS = 16
ROWS = 4
#: Estimated Jaccard of word 5-shingles at or above which two articles tell the same story: light
#: edits, a new headline, a trimmed ending keep well above it; articles on one topic stay far below.
THRESHOLD = 0.5

_SIGNATURE = "SELECT minhash_json FROM story_signatures WHERE article_id = ?"
_CANDIDATES = """
SELECT DISTINCT o.article_id FROM story_bands AS s
JOIN story_bands AS o ON o.band = s.band AND o.hash = s.hash
WHERE s.article_id = ?1 AND o.article_id != ?1 ORDER BY o.article_id
"""
LINK = "INSERT OR REPLACE INTO story_links VALUES (?, ?, ?)"
_NEIGHBOURS = "SELECT b FROM story_links WHERE a = ?1 UNION SELECT a FROM story_links WHERE b = ?1"


def bands(article_id: str, minhash: list[int]) -> list[tuple[int, str, str]]:
    """The (band, hash, article id) rows of a signature; none unless it has ``BANDS * ROWS`` values."""
    if len(minhash) != BANDS * ROWS:
        return []
    return [
        (band, ".".join(f"{v:x}" for v in minhash[band * ROWS : (band + 1) * ROWS]), article_id)
        for band in range(BANDS)
    ]


def estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures: the share of positions that agree (0 if unequal)."""
    if not a or len(a) != len(b):
        return 0.0
    agree: int = sum(map(operator.eq, a, b))
    return agree / len(a)


def signature(conn: Connection, article_id: str) -> list[int]:
    """The stored signature of an article, empty if it has none."""
    row = conn.execute(_SIGNATURE, (article_id,)).fetchone()
    return list(orjson.loads(row[0])) if row else []


def link(conn: Connection, article_ids: Collection[str]) -> None:
    """Link these articles (their signatures and bands already stored) to every near-duplicate.

    Each signature is read once, and a pair of two of these articles is judged once (candidacy
    is symmetric: a shared band).
    """
    chosen = set(article_ids)
    known: dict[str, array[int]] = {}  # compact: a rebuild links every article at once

    def signature_of(article_id: str) -> array[int]:
        if article_id not in known:
            known[article_id] = array("q", signature(conn, article_id))
        return known[article_id]

    for article_id in sorted(chosen):
        mine = signature_of(article_id)
        if not mine:
            continue
        rows = []
        for (other,) in conn.execute(_CANDIDATES, (article_id,)).fetchall():
            if other in chosen and other < article_id:
                continue  # judged when ``other`` was linked
            jaccard = estimate(mine, signature_of(other))
            if jaccard >= THRESHOLD:
                rows.append((*sorted((article_id, other)), jaccard))
        conn.executemany(LINK, rows)


def component(conn: Connection, article_id: str) -> list[str]:
    """Every article in the article's story cluster (itself included), sorted; breadth-first over links."""
    seen = {article_id}
    frontier = [article_id]
    while frontier:
        nxt = []
        for current in frontier:
            for (other,) in conn.execute(_NEIGHBOURS, (current,)):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return sorted(seen)
