"""The read-model store: SQLite with the projector's position kept in the same transaction.

``apply_batch`` skips entries at or before the stored position of their stream
and applies the rest in one transaction, positions included: a crash loses the
whole batch or none of it, and a restart resumes from ``positions()``.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from types import TracebackType

from services.common.names import LOG_STREAMS
from services.common.private import private_file
from services.projector.bulk import Deferred, begin_load, finish_load
from services.projector.checksum import checksum
from services.projector.entries import ZERO, EntryKey, LogEntry, Undecodable, format_key
from services.projector.fold import Folded, fold
from services.projector.sqlconn import Connection

POSITION = """
INSERT INTO positions VALUES (?, ?, ?)
ON CONFLICT (stream) DO UPDATE SET ms = excluded.ms, seq = excluded.seq
"""


def schema_sql() -> str:
    """The schema, shipped as package data beside this module."""
    return files("services.projector").joinpath("schema.sql").read_text(encoding="utf-8")


class ReadModelStore:
    """Read models in one SQLite file. Use from one thread at a time; ``close()`` when done."""

    def __init__(self, conn: sqlite3.Connection, deferred: Deferred | None = None) -> None:
        self._conn = conn
        self._deferred = deferred

    @classmethod
    def open(cls, path: Path, *, bulk: bool = False) -> ReadModelStore:
        """Open (creating if needed) the store at ``path``, in WAL mode.

        ``bulk`` is for a file that nobody reads until it is complete (a rebuild, a shadow copy):
        no WAL and no syncs while it is written (a crash leaves a file that is thrown away), and
        the full-text index, secondary indexes, story links and orphan removal wait until
        ``settle()`` (``bulk.py``), which also makes it an ordinary store before it is switched in.
        """
        private_file(path)  # 0600 whatever the umask; SQLite gives its -wal and -shm the same mode
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        deferred = None
        try:
            if bulk:
                conn.execute("PRAGMA journal_mode = MEMORY")  # rollback still works; nothing else reads it
                conn.execute("PRAGMA synchronous = OFF")
            else:
                cls._durable(conn)
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: FTS5 segment merges stay in memory
            conn.executescript(schema_sql())
            if bulk:
                deferred = begin_load(conn, schema_sql())
        except BaseException:
            conn.close()
            raise
        return cls(conn, deferred)

    @staticmethod
    def _durable(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; WAL keeps it consistent

    def settle(self) -> None:
        """End a bulk write: what it deferred made, everything on disk, and WAL mode as ``open`` gives."""
        if self._deferred is not None:
            finish_load(self._conn, self._deferred, schema_sql())
            self._deferred = None
        self._durable(self._conn)
        path = self._conn.execute("PRAGMA database_list").fetchone()[2]
        if path:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def moved(self) -> bool:
        """Never: a SQLite generation is a file of its own, followed by ``app.run_projector``."""
        return False

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for the read-only functions in ``queries``."""
        return self._conn

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> ReadModelStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def apply_batch(self, entries: Sequence[LogEntry | Undecodable]) -> int:
        """Apply the entries past each stream's position, in one transaction.

        Returns how many entries were past their position (each either applied or
        recorded as skipped); entries at or before it are ignored.
        """
        with collector_paused():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                folded = fold(entries, self._positions())
                self._write(folded)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return folded.entries

    def apply_work(self, folded: Folded) -> None:
        """Write a batch folded elsewhere (``fold`` against this store's positions), in one transaction."""
        with collector_paused():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._write(folded)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _write(self, folded: Folded) -> None:
        folded.work.attach(self._conn, self._deferred)
        folded.work.flush()
        rows = ((s, ms, seq) for s, (ms, seq) in folded.advanced.items())
        self._conn.executemany(POSITION, rows)

    def positions(self) -> dict[str, str]:
        """Stream short name -> last applied entry id ('0-0' for none yet)."""
        return spelled(self._positions())

    def checksum(self) -> str:
        """A stable digest of every read model (positions excluded; see ``checksum``)."""
        return settled_checksum(self._conn, self._deferred is not None)

    def _positions(self) -> dict[str, EntryKey]:
        return {s: (ms, seq) for s, ms, seq in self._conn.execute("SELECT stream, ms, seq FROM positions")}


def spelled(stored: Mapping[str, EntryKey]) -> dict[str, str]:
    """Positions as entry ids, every log stream named ('0-0' for none yet)."""
    return {s: format_key(stored.get(s, ZERO)) for s in (*LOG_STREAMS, *sorted(stored))}


def settled_checksum(conn: Connection, loading: bool) -> str:
    """The store's checksum, refused while a bulk load is unfinished (what it deferred is missing)."""
    if loading:
        raise RuntimeError("a bulk load is not finished: settle() the store first")
    return checksum(conn)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a batch: its rows are acyclic and freed by reference
    counting, so the collector would only rescan them (about a tenth of a rebuild's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
