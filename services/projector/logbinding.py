"""Which log a read store is a fold of: its ``log_id``, recorded once, checked on every use.

A store folded from one log must never take another log's facts (two deployments sharing a
data directory and prefix would mix their articles, and a rebuild from the other log would
replace them). The projector and a rebuild record the log's id in the store's ``meta`` table
on their first write; the projector, a live rebuild and the readers refuse a store bound to
another log (``StoreOfAnotherLog``, exit 4). These few functions are all a store needs.
"""

from __future__ import annotations

import sqlite3

from services.projector.sqlconn import Connection

#: Exit code of a command refusing a read store that belongs to another log (or is no store).
EXIT_STORE = 4


class StoreOfAnotherLog(RuntimeError):
    """The read store was folded from another log than the one this process reads."""


def recorded_log_id(conn: Connection) -> str | None:
    """The id of the log this store is a fold of, or None if it was never bound to one."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'log_id'").fetchone()
    except sqlite3.OperationalError:  # a store from before the meta table: never bound
        return None
    return str(row[0]) if row else None


def record_log_id(conn: Connection, log_id: str) -> None:
    """Bind the store to ``log_id`` (first write), after checking it is not bound to another log."""
    check_log_id(conn, log_id)
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', ?)", (log_id,))


def check_log_id(conn: Connection, log_id: str, where: str = "") -> None:
    """``StoreOfAnotherLog`` naming both ids if the store is bound to a log other than ``log_id``."""
    recorded = recorded_log_id(conn)
    if recorded is not None and recorded != log_id:
        path = where or _path(conn)
        raise StoreOfAnotherLog(
            f"the read store {path} belongs to log {recorded}, not to log {log_id} that this "
            "server holds (same data directory and prefix for two deployments?): refusing to mix "
            "or replace its facts. Use another NEWSFACTS_DATA_DIR or NEWSFACTS_PREFIX for this log, "
            "or --store/--output another file"
        )


def _path(conn: Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else "(in memory)"
