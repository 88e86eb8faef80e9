"""A psycopg connection that runs the fold's and the queries' statements in PostgreSQL's dialect."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import sql

from services.projector import statements
from services.projector.views import SearchHit
from services.readstore.postgres import search
from services.readstore.postgres.dialect import translate

Raw = psycopg.Connection[tuple[Any, ...]]


class _NoRows:
    """The result of ``executemany`` over no rows."""

    rowcount = 0

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


def _arrange(parameters: Sequence[Any], order: tuple[int, ...] | None) -> Sequence[Any]:
    return parameters if order is None else [parameters[i] for i in order]


#: A rebuild's search documents go to its staging table with COPY (``generations.py``).
STAGE_SEARCH = "COPY search_staging (title, lede, text, key_phrases, entities, topics, article_id) FROM STDIN"


class PgConnection:
    """The ``sqlconn.Connection`` the fold and the queries use, over one psycopg connection.

    ``staging``: a rebuild's connection, whose search documents are copied to a staging table.
    """

    def __init__(self, raw: Raw, *, staging: bool = False) -> None:
        self.raw = raw
        self.staging = staging

    def execute(self, statement: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[tuple[Any, ...]]:
        text, order = translate(statement)
        cursor = self.raw.cursor()
        cursor.execute(text.encode(), _arrange(parameters, order))
        return cursor

    def executemany(
        self, statement: str, parameters: Iterable[Sequence[Any]], /
    ) -> psycopg.Cursor[tuple[Any, ...]] | _NoRows:
        text, order = translate(statement)
        rows = [_arrange(p, order) for p in parameters]
        if not rows:
            return _NoRows()
        cursor = self.raw.cursor()
        if self.staging and statement == statements.SEARCH:
            with cursor.copy(STAGE_SEARCH.encode()) as copy:
                for row in rows:
                    copy.write_row(row)
            return cursor
        cursor.executemany(text.encode(), rows)
        return cursor

    def full_text(self, query: str, limit: int, mark: tuple[str, str]) -> list[SearchHit]:
        """Ranked search in PostgreSQL's own full-text index (``search.py``)."""
        return search.search(self.raw, query, limit, mark)

    def close(self) -> None:
        self.raw.close()


def connect(url: str, schema: str, *, application: str = "newsfacts") -> Raw:
    """A connection (autocommit: transactions are explicit) whose search path is ``schema`` only."""
    raw: Raw = psycopg.connect(url, autocommit=True, application_name=application, connect_timeout=10)
    raw.prepare_threshold = None  # names resolve at each statement: a switched generation is seen at once
    try:
        raw.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    except BaseException:
        raw.close()
        raise
    return raw
