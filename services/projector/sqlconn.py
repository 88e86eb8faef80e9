"""What the fold and the queries need of a database connection: ``execute`` and ``executemany``.

``sqlite3.Connection`` is one; the PostgreSQL store's connection (``services/readstore/postgres``)
is another, which runs each statement in its own dialect. Nothing here knows which it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from services.projector.views import SearchHit


class Cursor(Protocol):
    """The result of a statement: its rows, or how many rows it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection the read models are written and queried through (SQLite's statements and rows)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


@runtime_checkable
class FullText(Protocol):
    """A connection whose store ranks full-text search itself (SQLite's FTS5 query is not its own)."""

    def full_text(self, query: str, limit: int, mark: tuple[str, str]) -> list[SearchHit]: ...
