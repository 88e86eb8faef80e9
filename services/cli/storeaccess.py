"""How a reader opens the read store: missing, unreadable, not a store, or another log's, said clearly.

Readers (``search``, ``article``, ``entity``, ``topics``, ``story``, ``lineage``) open the store
read-only through ``open_store``. It checks, before any query runs, that the file is a newsfacts
read store this process can read and, when the server can be reached, that the store is a fold of
the log that server holds (``logbinding``), and warns when the store is behind the log with no
projector folding it. Without a server the store is still served.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from services import readstore
from services.common import connection, identity
from services.common.server import ServerUnavailable
from services.common.settings import Settings
from services.projector import health, logbinding, queries
from services.projector.sqlconn import Connection
from services.readstore import NoReadModels

__all__ = ["NoReadModels", "StoreUnusable", "open_store"]


class StoreUnusable(RuntimeError):
    """The file at the path cannot be read, or is no newsfacts read store (exit 4)."""


@contextmanager
def open_store(settings: Settings, override: str | None = None) -> Iterator[Connection]:
    """A read-only connection to the live read models, or to ``override``, checked as above."""
    if override is None and readstore.is_postgres(settings.read_store_url):
        with readstore.reader(settings) as pg:  # NoReadModels, StoreUnavailable or SchemaTooNew as they are
            yield from _checked(settings, pg, readstore.describe(settings))
        return
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
        yield from _checked(settings, conn, str(path))


def _checked(settings: Settings, conn: Connection, where: str) -> Iterator[Connection]:
    """``conn``, once the store is known to be a fold of the server's log (warning if it is behind)."""
    log, projector = _server_view(settings, _positions(conn))
    if log is not None:
        log.check(settings)  # the partition count too: a mismatch is refused here as everywhere
        logbinding.check_log_id(conn, log.log_id, where)
    if projector is not None and projector.behind and not projector.alive:
        print(f"newsfacts: warning: {_behind(where, projector)}", file=sys.stderr)
    yield conn


def _why(path: Path, exc: sqlite3.DatabaseError) -> str:
    message = str(exc)
    if "no such table" in message or "not a database" in message:
        return f"{path} is not a newsfacts read store ({message}): give --store a file the projector wrote"
    return (
        f"cannot read the read store {path}: {message} (check its permissions, and that its directory "
        "is writable: SQLite in WAL mode needs to create its -shm file beside it)"
    )


def _positions(conn: Connection) -> dict[str, str]:
    return {s: f"{ms}-{seq}" for s, ms, seq in conn.execute("SELECT stream, ms, seq FROM positions")}


def _behind(path: str, projector: health.Health) -> str:
    count = f"{projector.behind:,}{'+' if projector.capped else ''}"
    error = (
        f" (its last error, at {projector.last_error_at}: {projector.last_error})"
        if projector.last_error
        else ""
    )
    return (
        f"the read models at {path} are {count} log entries behind and no projector is folding them{error}; "
        "what you see may be out of date: start one with newsfacts up (newsfacts status shows it)"
    )


def _server_view(
    settings: Settings, positions: dict[str, str]
) -> tuple[identity.LogIdentity | None, health.Health | None]:
    """The identity of the log on the configured server and the projector's health against the store's
    positions; (None, None) when there is no server or it cannot be reached within a second."""
    try:
        url = connection.redis_url(settings)
    except ServerUnavailable:
        return None, None

    async def run() -> tuple[identity.LogIdentity | None, health.Health | None]:
        client = aioredis.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )
        try:
            names = settings.names
            return await identity.read(client, names), await health.read(client, names, positions)
        except (RedisError, OSError):
            return None, None
        finally:
            await client.aclose()

    return asyncio.run(run())
