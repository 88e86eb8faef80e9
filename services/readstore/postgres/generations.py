"""Rebuilding the PostgreSQL read models in a generation of their own, switched in at once.

A rebuild folds the whole log into a fresh schema beside the live one (``<live>__next``): its
secondary indexes (the full-text GIN index among them) are dropped while it loads and made
after, and the search documents, the bulk of the bytes, go in with ``COPY`` to a staging table
and into ``search`` in one statement at the end (``PgConnection`` stages them). ``switch`` then
renames, in one transaction, the live schema away and the new one to the live name: readers and
the projector resolve tables by that name, so each statement sees one whole generation or the
other, never half of one. The old schema is dropped after the switch commits.
"""

from __future__ import annotations

from psycopg import sql

from services.readstore.postgres.connection import Raw, connect
from services.readstore.postgres.schema import lock, migrate

#: Indexes a load reads through (clearing an article's old bands and links, checking orphans).
KEPT_INDEXES = frozenset({"story_bands_article", "story_links_b", "article_entities_entity"})
STAGING = """
CREATE UNLOGGED TABLE search_staging (
    seq bigserial PRIMARY KEY, title text, lede text, text text, key_phrases text, entities text,
    topics text, article_id text NOT NULL
)
"""
#: The last staged document of each article still indexed (a retraction removed its ``docs`` row).
INDEX_STAGED = """
INSERT INTO search (article_id, title, lede, text, key_phrases, entities, topics)
SELECT DISTINCT ON (s.article_id) s.article_id, s.title, s.lede, s.text, s.key_phrases, s.entities, s.topics
FROM search_staging AS s JOIN docs AS d ON d.article_id = s.article_id
ORDER BY s.article_id, s.seq DESC
"""
_SECONDARY = """
SELECT i.indexname, i.indexdef FROM pg_indexes AS i
WHERE i.schemaname = %s AND NOT EXISTS (
    SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname AND c.connamespace = %s::regnamespace
)
ORDER BY i.indexname
"""


def next_schema(live: str) -> str:
    """The schema a rebuild of ``live`` is built in."""
    return f"{live}__next"


def begin(url: str, live: str) -> tuple[Raw, list[str]]:
    """A fresh ``<live>__next`` at this code's schema, without its secondary indexes; returns the
    connection to it and the statements that make those indexes again."""
    target = next_schema(live)
    raw = connect(url, target, application="newsfacts-rebuild")
    try:
        raw.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(target)))
        migrate(raw, target)
        with raw.transaction():
            rows = raw.execute(_SECONDARY.encode(), (target, target)).fetchall()
            later = [definition for name, definition in rows if name not in KEPT_INDEXES]
            for name, _ in rows:
                if name not in KEPT_INDEXES:
                    raw.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            raw.execute(STAGING.encode())
        raw.execute("SET synchronous_commit TO off")  # the load is thrown away if it does not finish
    except BaseException:
        raw.close()
        raise
    return raw, later


def finish(raw: Raw, indexes: list[str]) -> None:
    """The staged search documents indexed, the indexes made, the statistics gathered."""
    with raw.transaction():
        raw.execute(INDEX_STAGED.encode())
        raw.execute("DROP TABLE search_staging")
        for statement in indexes:
            raw.execute(statement.encode())
    raw.execute("SET synchronous_commit TO on")
    raw.execute("ANALYZE")


def switch(url: str, live: str) -> None:
    """Make ``<live>__next`` the live schema in one transaction, then drop the generation it replaced.

    The switch waits for the projector's transaction in flight (it holds the live positions), so no
    write of the old generation commits after it.
    """
    old, target = f"{live}__old", next_schema(live)
    raw = connect(url, "pg_catalog", application="newsfacts-rebuild")
    try:
        raw.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(old)))
        with raw.transaction():
            lock(raw, f"newsfacts-migrate:{live}")
            exists = raw.execute("SELECT to_regnamespace(%s) IS NOT NULL", (live,)).fetchone()
            if exists and exists[0]:
                positions = sql.Identifier(live, "positions")
                raw.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(positions))
                raw.execute(
                    sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(live), sql.Identifier(old))
                )
            raw.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(target), sql.Identifier(live))
            )
        raw.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(old)))
    finally:
        raw.close()


def abandon(url: str, live: str) -> None:
    """Drop a half-built ``<live>__next`` (a failed rebuild): it must never be switched in."""
    raw = connect(url, "pg_catalog", application="newsfacts-rebuild")
    try:
        raw.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(next_schema(live))))
    finally:
        raw.close()
