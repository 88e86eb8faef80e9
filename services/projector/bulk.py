"""Bulk loading a generation that nobody reads until it is complete: what waits until the end.

A rebuild writes a file that is switched in only once it is whole, so while it loads it can leave
out what only readers need and make it once, at the end (``finish_load``):

- the full-text index: search documents go to a plain staging table and FTS5 indexes them in one
  pass (FTS5 merging its segments batch after batch was about a third of a rebuild's SQLite time);
- secondary indexes (``schema.sql``'s ``CREATE INDEX``): dropped while loading, built after;
- story links: made once for every article whose signature changed, set-wise;
- entities no article mentions any more: dropped once, when every article's mentions are in.

Each deferral gives the store the incremental path gives (the checksum tests compare the two):
links depend only on the final signatures, and an entity orphaned mid-load and named again later
ends with the later name either way. ``Work`` asks a ``Deferred`` which statements to run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.projector import retraction, stories
from services.projector import statements as sql
from services.projector.sqlconn import Connection

STAGING = """
CREATE TABLE IF NOT EXISTS search_staging (
    title TEXT, lede TEXT, text TEXT, key_phrases TEXT, entities TEXT, topics TEXT,
    article_id TEXT PRIMARY KEY
) WITHOUT ROWID
"""
STAGE_SEARCH = "INSERT OR REPLACE INTO search_staging VALUES (?, ?, ?, ?, ?, ?, ?)"
UNSTAGE_SEARCH = "DELETE FROM search_staging WHERE article_id = ?"
INDEX_STAGED = """
INSERT INTO search (rowid, title, lede, text, key_phrases, entities, topics)
SELECT d.doc_id, s.title, s.lede, s.text, s.key_phrases, s.entities, s.topics
FROM docs AS d JOIN search_staging AS s USING (article_id)
"""
#: Indexes the load itself reads through: every indexed event clears the article's old bands.
KEPT_INDEXES = frozenset({"story_bands_article"})
_INDEX = re.compile(r"CREATE INDEX IF NOT EXISTS (\w+) ON \w+ \([^)]*\)")


def deferred_indexes(schema: str) -> dict[str, str]:
    """The secondary indexes of ``schema`` that a bulk load builds at the end: name -> statement."""
    return {m[1]: m[0] for m in _INDEX.finditer(schema) if m[1] not in KEPT_INDEXES}


@dataclass
class Deferred:
    """What a bulk load has left for ``finish_load``: articles to link, entities that may be orphans."""

    linked: set[str] = field(default_factory=set)
    orphans: set[str] = field(default_factory=set)

    def statements(self, statement: str) -> Sequence[str]:
        """What runs in place of ``statement`` while loading (search documents are staged)."""
        if statement == sql.SEARCH:
            return (STAGE_SEARCH,)
        if statement == sql.SEARCH_CLEAR:  # a store copied from a live one has FTS rows already
            return (statement, UNSTAGE_SEARCH)
        return (statement,)


def begin_load(conn: Connection, schema: str) -> Deferred:
    """Prepare a store (already at ``schema``) for a bulk load: staging table, indexes dropped."""
    conn.execute(STAGING)
    for name in deferred_indexes(schema):
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    return Deferred()


def purge_staged(conn: Connection, article_ids: set[str]) -> None:
    """A retraction during a bulk load: its staged search document goes too."""
    conn.executemany(UNSTAGE_SEARCH, ((a,) for a in sorted(article_ids)))


def finish_load(conn: Connection, deferred: Deferred, schema: str) -> None:
    """Make what the load deferred, in one transaction: FTS index, links, orphans, indexes."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(INDEX_STAGED)
        conn.execute("DROP TABLE search_staging")
        for statement in deferred_indexes(schema).values():
            conn.execute(statement)
        stories.link(conn, deferred.linked)
        retraction.drop_orphans(conn, deferred.orphans)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    deferred.linked.clear()
    deferred.orphans.clear()
