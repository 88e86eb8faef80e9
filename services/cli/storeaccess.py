"""How a reader opens the read store: missing, unreadable, not a store, or another log's, said clearly.

Readers (``search``, ``article``, ``entity``, ``topics``, ``story``, ``lineage``) open the store
read-only through ``open_store``. It checks, before any query runs, that the file is a newsfacts
read store this process can read and, when the server can be reached, that the store is a fold of
the log that server holds (``logbinding``). Without a server the store is still served.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from services.common import connection, identity
from services.common.server import ServerUnavailable
from services.common.settings import Settings
from services.projector import logbinding, queries


class NoReadModels(RuntimeError):
    """There is no store at the path yet (exit 1)."""


class StoreUnusable(RuntimeError):
    """The file at the path cannot be read, or is no newsfacts read store (exit 4)."""


@contextmanager
def open_store(settings: Settings, override: str | None = None) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the live read models, or to ``override``, checked as above."""
    path = Path(override) if override else settings.readmodel_path
    if not path.exists():
        raise NoReadModels(
            f"no read models at {path} yet: run the projector (newsfacts up) and publish articles"
        )
    try:
        conn = queries.connect_readonly(path)
        conn.execute("SELECT count(*) FROM positions").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreUnusable(_why(path, exc)) from None
    with closing(conn):
        log = _server_log(settings)
        if log is not None:
            logbinding.check_log_id(conn, log.log_id, str(path))
        yield conn


def _why(path: Path, exc: sqlite3.DatabaseError) -> str:
    message = str(exc)
    if "no such table" in message or "not a database" in message:
        return f"{path} is not a newsfacts read store ({message}): give --store a file the projector wrote"
    return (
        f"cannot read the read store {path}: {message} (check its permissions, and that its directory "
        "is writable: SQLite in WAL mode needs to create its -shm file beside it)"
    )


def _server_log(settings: Settings) -> identity.LogIdentity | None:
    """The identity of the log on the configured server, or None if there is none or it is not reachable."""
    try:
        url = connection.redis_url(settings)
    except ServerUnavailable:
        return None
    return identity.read_blocking(url, settings.names)
