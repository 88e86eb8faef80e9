"""The fold's and the queries' SQLite statements, said in PostgreSQL.

The projector writes and reads through SQL kept beside the code that uses it (``statements.py``,
``work.py``, ``retraction.py``, ``stories.py``, ``queries.py``, ``audit.py``, ``checksum.py``).
Most of it is standard SQL; what is SQLite's own is said here once, so that the fold and the
queries never learn which store they run on:

- ``INSERT OR IGNORE`` is ``ON CONFLICT DO NOTHING``; the few ``INSERT OR REPLACE`` and the
  full-text statements (FTS5's ``rowid`` joins) have their PostgreSQL text in ``OVERRIDES``;
- ``?`` placeholders become ``%s``, and numbered ones (``?1`` used twice) repeat their value;
- ``x = ? COLLATE NOCASE`` is ``lower(x) = lower(%s)`` (served by an index on ``lower(label)``);
- descending orders on a nullable key keep SQLite's place for NULLs (last).

Values never enter the SQL text: every value stays a parameter.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from services.projector import checksum, retraction, stories, work
from services.projector import statements as sql

_LINEAGE_COLUMNS = "event_type, event_id, stageversion, causationid, time"
_SEARCH_COLUMNS = "title, lede, text, key_phrases, entities, topics"

#: SQLite statement -> its PostgreSQL text (placeholders already ``%s``).
OVERRIDES: dict[str, str] = {
    sql.SEARCH_CLEAR: "DELETE FROM search WHERE article_id = %s",
    sql.SEARCH: (
        f"INSERT INTO search ({_SEARCH_COLUMNS}, article_id) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (article_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _SEARCH_COLUMNS.split(", "))
    ),
    retraction.PURGE[0]: (
        "INSERT INTO retracted_lineage SELECT * FROM lineage WHERE article_id = %s"
        " ON CONFLICT (article_id, stage) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _LINEAGE_COLUMNS.split(", "))
    ),
    stories.LINK: (
        "INSERT INTO story_links VALUES (%s, %s, %s)"
        " ON CONFLICT (a, b) DO UPDATE SET jaccard = excluded.jaccard"
    ),
    work.COUNT: (
        "INSERT INTO counters VALUES (%s, %s)"
        " ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value"
    ),
    # Where the store is, for messages (logbinding): the database and schema.
    "PRAGMA database_list": "SELECT 0, 'main', current_database() || ' schema ' || current_schema()",
    dict(checksum.PARTS)["search"]: (
        f"SELECT d.article_id, {', '.join(f's.{c}' for c in _SEARCH_COLUMNS.split(', '))}"
        " FROM docs AS d JOIN search AS s USING (article_id) ORDER BY d.article_id"
    ),
}

_OR_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.IGNORECASE)
_NOCASE = re.compile(r"([\w.]+) = \? COLLATE NOCASE")
_PLACEHOLDER = re.compile(r"\?(\d*)")
_NULLS_LAST = re.compile(r"(COALESCE\([^)]*\)) DESC")


class Statement(NamedTuple):
    """A statement in PostgreSQL, and which parameter fills each placeholder (None: in order)."""

    text: str
    order: tuple[int, ...] | None


@cache
def translate(statement: str) -> Statement:
    """``statement`` (SQLite) as PostgreSQL runs it."""
    if statement in OVERRIDES:
        return Statement(OVERRIDES[statement], None)
    if "INSERT OR REPLACE" in statement.upper() or "rowid" in statement:
        raise NotImplementedError(f"no PostgreSQL text for this SQLite statement: {statement.strip()[:80]}")
    text = statement.replace("%", "%%")
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text).rstrip() + " ON CONFLICT DO NOTHING"
    text = _NOCASE.sub(r"lower(\1) = lower(?)", text)
    text = _NULLS_LAST.sub(r"\1 DESC NULLS LAST", text)
    numbers = [m[1] for m in _PLACEHOLDER.finditer(text)]
    text = _PLACEHOLDER.sub("%s", text)
    if any(numbers):
        if not all(numbers):
            raise ValueError(f"numbered and plain placeholders mixed: {statement.strip()[:80]}")
        return Statement(text, tuple(int(n) - 1 for n in numbers))
    return Statement(text, None)
