"""Retractions in the read models: which articles are tombstoned, and removing one everywhere.

A retracted article leaves every model a reader sees (article row, topics, entities,
aliases, search document, lineage, story signature, bands and links, so it leaves its
story cluster) and its 'indexed' outcomes read 'retracted'; the
audit tables keyed by event id (submissions, duplicates, rejections, requests,
history) stay, as the log does. Its lineage moves to ``retracted_lineage``, read by
the stage-version rule only, so its later facts are counted exactly as if they had
arrived before the retraction: the fold stays order-insensitive.

One thing a purge cannot undo: an entity's canonical name is the one the last applied
``article.enriched`` gave it. Articles enriched by one enrich version agree on it, so this
only shows if a retracted article's event, from another version, was that last one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from services.projector.sqlconn import Connection

_CHUNK = 500

#: Run per retracted article, in this order (the FTS row is found through its docs row).
PURGE = (
    "INSERT OR REPLACE INTO retracted_lineage SELECT * FROM lineage WHERE article_id = ?",
    "DELETE FROM lineage WHERE article_id = ?",
    "DELETE FROM search WHERE rowid = (SELECT doc_id FROM docs WHERE article_id = ?)",
    "DELETE FROM docs WHERE article_id = ?",
    "DELETE FROM article_entities WHERE article_id = ?",
    "DELETE FROM entity_aliases WHERE article_id = ?",
    "DELETE FROM entity_tones WHERE article_id = ?",
    "DELETE FROM article_topics WHERE article_id = ?",
    "DELETE FROM articles WHERE article_id = ?",
    "DELETE FROM story_links WHERE a = ?1 OR b = ?1",
    "DELETE FROM story_bands WHERE article_id = ?",
    "DELETE FROM story_signatures WHERE article_id = ?",
)
HIDE_OUTCOMES = "UPDATE outcomes SET outcome = 'retracted' WHERE article_id = ? AND outcome = 'indexed'"
DROP_ORPHAN = (
    "DELETE FROM entities WHERE entity_id = ?1"
    " AND NOT EXISTS (SELECT 1 FROM article_entities WHERE entity_id = ?1)"
)


def _chunks(ids: Collection[str]) -> Iterable[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def tombstoned(conn: Connection, article_ids: Collection[str]) -> set[str]:
    """Which of these articles a retraction already removed."""
    found: set[str] = set()
    for chunk in _chunks(article_ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT article_id FROM retractions WHERE article_id IN ({marks})", chunk)
        found.update(r[0] for r in rows)
    return found


def mentioned(conn: Connection, article_ids: Collection[str]) -> set[str]:
    """Entity ids these articles mention now (checked for orphans once their mentions change)."""
    found: set[str] = set()
    for chunk in _chunks(article_ids):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT DISTINCT entity_id FROM article_entities WHERE article_id IN ({marks})"
        found.update(r[0] for r in conn.execute(sql, chunk))
    return found


def purge(conn: Connection, article_ids: Collection[str]) -> None:
    """Remove the articles from every read model a reader sees."""
    rows = [(a,) for a in sorted(article_ids)]
    for statement in PURGE:
        conn.executemany(statement, rows)


def hide_outcomes(conn: Connection, article_ids: Collection[str]) -> None:
    """A retracted article's submissions ended, but not as an indexed article anyone can read."""
    conn.executemany(HIDE_OUTCOMES, ((a,) for a in sorted(article_ids)))


def drop_orphans(conn: Connection, entity_ids: Collection[str]) -> None:
    """Entities no article mentions any more leave the entity pages."""
    conn.executemany(DROP_ORPHAN, ((e,) for e in sorted(entity_ids)))
