"""The read-model store: SQLite with the projector's position kept in the same transaction.

``apply_batch`` skips entries at or before the stored position of their stream
and applies the rest in one transaction, positions included: a crash loses the
whole batch or none of it, and a restart resumes from ``positions()``.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from types import TracebackType

from services.common.names import LOG_STREAMS
from services.projector.apply import apply_entry
from services.projector.checksum import checksum
from services.projector.entries import ZERO, EntryKey, LogEntry, Undecodable, entry_key, format_key
from services.projector.work import Work

POSITION = """
INSERT INTO positions VALUES (?, ?, ?)
ON CONFLICT (stream) DO UPDATE SET ms = excluded.ms, seq = excluded.seq
"""


def schema_sql() -> str:
    """The schema, shipped as package data beside this module."""
    return files("services.projector").joinpath("schema.sql").read_text(encoding="utf-8")


class ReadModelStore:
    """Read models in one SQLite file. Use from one thread at a time; ``close()`` when done."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @classmethod
    def open(cls, path: Path, *, bulk: bool = False) -> ReadModelStore:
        """Open (creating if needed) the store at ``path``, in WAL mode.

        ``bulk`` is for a rebuild into a fresh file that nobody reads until it is complete:
        no WAL and no syncs while it is written (a crash leaves a file that is thrown away);
        ``settle()`` makes it an ordinary store before it is switched in.
        """
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            if bulk:
                conn.execute("PRAGMA journal_mode = MEMORY")  # rollback still works; nothing else reads it
                conn.execute("PRAGMA synchronous = OFF")
            else:
                cls._durable(conn)
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: FTS5 segment merges stay in memory
            conn.executescript(schema_sql())
        except BaseException:
            conn.close()
            raise
        return cls(conn)

    @staticmethod
    def _durable(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; WAL keeps it consistent

    def settle(self) -> None:
        """End a bulk write: everything on disk, and WAL mode as ``open`` gives, before readers see it."""
        self._durable(self._conn)
        path = self._conn.execute("PRAGMA database_list").fetchone()[2]
        if path:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

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
        conn = self._conn
        with collector_paused():
            return self._apply(conn, entries)

    def _apply(self, conn: sqlite3.Connection, entries: Sequence[LogEntry | Undecodable]) -> int:
        conn.execute("BEGIN IMMEDIATE")
        try:
            positions = self._positions()
            advanced: dict[str, EntryKey] = {}
            applied = 0
            work = Work(conn)
            for entry in entries:
                key = entry_key(entry.entry_id)
                if key <= positions.get(entry.stream, ZERO):
                    continue
                positions[entry.stream] = advanced[entry.stream] = key
                apply_entry(work, entry)
                applied += 1
            work.flush()
            conn.executemany(POSITION, ((s, ms, seq) for s, (ms, seq) in advanced.items()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return applied

    def positions(self) -> dict[str, str]:
        """Stream short name -> last applied entry id ('0-0' for none yet)."""
        stored = self._positions()
        return {s: format_key(stored.get(s, ZERO)) for s in (*LOG_STREAMS, *sorted(stored))}

    def checksum(self) -> str:
        """A stable digest of every read model (positions excluded; see ``checksum``)."""
        return checksum(self._conn)

    def _positions(self) -> dict[str, EntryKey]:
        return {s: (ms, seq) for s, ms, seq in self._conn.execute("SELECT stream, ms, seq FROM positions")}


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
