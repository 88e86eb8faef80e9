"""The read-model store in PostgreSQL, with each stream's position in the same transaction as its rows.

The same fold as SQLite's (``fold.py``, ``work.py``) writes through ``PgConnection``. Effectively
once: a batch's rows and the positions of the streams it advanced commit together, and a batch is
folded against the positions read in its own transaction, under an advisory lock per stream, so
two writers given the same stream by mistake still apply each entry once.

Several writers owning disjoint partitions (disjoint streams, so disjoint articles) share one
database. What they share is race-free by construction:

- counters are commutative upserts (``value = counters.value + excluded.value``), taken in name
  order; two writers' increments both land, in either order;
- entity rows, their orphan removal and story links read rows other articles' writers write: a
  batch that changes them (enriched, indexed or retraction facts) takes one advisory lock, the
  shared-aggregates lock, before writing, so such batches commit one after another and each sees
  what the previous one committed (a link between two articles of two partitions is made by
  whichever commits second);
- a deadlock or serialization failure (PostgreSQL aborts one of two transactions) is retried from
  the positions, folding the batch again.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

import psycopg
from psycopg import errors

from services.projector.entries import EntryKey, LogEntry, Undecodable
from services.projector.fold import Folded, fold
from services.projector.store import POSITION, collector_paused, settled_checksum, spelled
from services.readstore.errors import StoreUnavailable
from services.readstore.postgres import generations
from services.readstore.postgres.connection import PgConnection, Raw, connect
from services.readstore.postgres.schema import lock, migrate

#: Streams whose facts change what other partitions' articles share (entities, story links).
SHARED_STREAMS = frozenset({"ingested", "enriched", "indexed"})
#: Attempts at a batch that PostgreSQL aborted to break a deadlock.
ATTEMPTS = 5
#: This writer runs ANALYZE after its first ``FIRST_ANALYZE`` entries and again each time it has
#: written as many again as it had (2,000, 4,000, 8,000, ...; at most ``ANALYZE_EVERY`` apart): a
#: burst (a backlog, a rebuild) fills tables faster than autovacuum samples them, and the story-link
#: look-up is then planned for the empty tables the last statistics saw.
ANALYZE_EVERY = 200_000
FIRST_ANALYZE = 2_000
#: The tables the fold reads while it writes.
READ_BY_FOLD = "story_bands, story_links, story_signatures, article_entities, lineage, retractions"


class PostgresStore:
    """Read models in one PostgreSQL schema. One thread at a time per store; ``close()`` when done."""

    def __init__(
        self, raw: Raw, schema: str, partition: int | None = None, deferred: list[str] | None = None,
        url: str | None = None,
    ) -> None:  # fmt: skip
        self._url = url
        self._raw = raw
        self._conn = PgConnection(raw, staging=deferred is not None)
        self.schema = schema
        self._owner = "" if partition is None else f"p{partition}:"
        self._deferred = deferred
        self._generation = self._schema_oid()
        self._moved = False
        self._written, self._analyze_at = 0, FIRST_ANALYZE

    @classmethod
    def open(cls, url: str, schema: str, *, partition: int | None = None) -> PostgresStore:
        """Connect, and migrate ``schema`` to this code's version (refused if it is newer).

        ``partition``: the writer owns that partition's streams, and keeps its positions under
        their own names (``p3:indexed``) beside other partitions' writers'.
        """
        raw = connect(url, schema, application="newsfacts-projector")
        try:
            migrate(raw, schema)
        except BaseException:
            raw.close()
            raise
        return cls(raw, schema, partition, url=url)

    @classmethod
    def rebuild(cls, url: str, live: str) -> PostgresStore:
        """A new generation of ``live`` to load in bulk (``generations.py``); ``settle()`` it, then
        ``generations.switch``."""
        raw, indexes = generations.begin(url, live)
        return cls(raw, generations.next_schema(live), deferred=indexes)

    @property
    def connection(self) -> PgConnection:
        """The connection, for the read-only functions in ``queries`` and ``audit``."""
        return self._conn

    def settle(self) -> None:
        """End a bulk load: the staged search documents indexed, the indexes made (no-op otherwise)."""
        if self._deferred is not None:
            generations.finish(self._raw, self._deferred)
            self._deferred = None
            self._conn.staging = False

    def moved(self) -> bool:
        """Whether a rebuild switched a new generation in, or the connection was made again, since the
        last call: a follower then reads the log again from the positions the store has."""
        moved, self._moved = self._moved, False
        return moved

    def _schema_oid(self) -> int | None:
        row = self._raw.execute("SELECT oid FROM pg_namespace WHERE nspname = current_schema()").fetchone()
        return int(row[0]) if row else None

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def apply_batch(self, entries: Sequence[LogEntry | Undecodable]) -> int:
        """Apply the entries past each stream's position, in one transaction (retried on a deadlock).

        ``StoreUnavailable`` when the server cannot be reached: nothing of the batch was committed,
        and the next call connects again.
        """
        try:
            if self._raw.closed or self._raw.broken:
                self._reconnect()
            return self._apply(entries)
        except psycopg.OperationalError as exc:
            self._raw.close()
            raise StoreUnavailable(f"the PostgreSQL read store is unreachable: {exc}") from exc

    def _reconnect(self) -> None:
        if self._url is None:
            raise StoreUnavailable("the PostgreSQL read store's connection is closed")
        self._raw = connect(self._url, self.schema, application="newsfacts-projector")
        self._conn.raw = self._raw
        self._moved = True  # whatever the server kept is what counts: follow the log from its positions

    def _apply(self, entries: Sequence[LogEntry | Undecodable]) -> int:
        streams = sorted({entry.stream for entry in entries})
        for attempt in range(ATTEMPTS):
            try:
                with collector_paused(), self._raw.transaction():
                    for stream in streams:
                        lock(self._raw, f"{self.schema}:stream:{self._owner}{stream}")
                    if (now := self._schema_oid()) != self._generation:
                        self._generation, self._moved = now, True
                    folded = fold(entries, self._positions())
                    self._write(folded)
                self._analyzed(folded.entries)
                return folded.entries
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def apply_work(self, folded: Folded) -> None:
        """Write a batch folded elsewhere against this store's positions, in one transaction."""
        with collector_paused(), self._raw.transaction():
            self._write(folded)
        self._analyzed(folded.entries)

    def _analyzed(self, entries: int) -> None:
        """Gather the statistics of the tables the fold reads, on the schedule ``FIRST_ANALYZE`` says."""
        self._written += entries
        if self._written >= self._analyze_at:
            self._raw.execute(f"ANALYZE {READ_BY_FOLD}".encode())
            self._analyze_at = self._written + min(self._written, ANALYZE_EVERY)

    def _write(self, folded: Folded) -> None:
        # Every read of the fold is a keyed look-up; statistics taken before this transaction's own
        # rows (a rebuild's batch of 2,000 indexed articles) would plan them as scans of the table.
        self._raw.execute("SET LOCAL enable_seqscan = off")
        if SHARED_STREAMS & folded.advanced.keys():
            lock(self._raw, f"{self.schema}:shared")
        folded.work.attach(self._conn, None)
        folded.work.flush()
        rows = ((self._owner + s, ms, seq) for s, (ms, seq) in sorted(folded.advanced.items()))
        self._conn.executemany(POSITION, rows)

    def positions(self) -> dict[str, str]:
        """Stream short name -> last applied entry id ('0-0' for none yet)."""
        return spelled(self._positions())

    def checksum(self) -> str:
        """The digest of every read model, the same as SQLite's for the same facts (``checksum``)."""
        return settled_checksum(self._conn, self._deferred is not None)

    def _positions(self) -> dict[str, EntryKey]:
        """This writer's positions: its partition's (``p3:indexed``), or the unpartitioned ones."""
        rows = self._raw.execute("SELECT stream, ms, seq FROM positions").fetchall()
        owned = (
            (s.removeprefix(self._owner), ms, seq)
            for s, ms, seq in rows
            if (s.startswith(self._owner) if self._owner else ":" not in s)
        )
        return {s: (ms, seq) for s, ms, seq in owned}
