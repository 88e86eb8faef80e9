"""One batch's changes to the read models: gathered per event, resolved, then written set-wise.

Apply functions describe what an event says; ``Work.flush`` writes it with one
``executemany`` per statement. The result is the same as applying the entries
one at a time, in order, which is what makes batch size irrelevant to the state.

Per-article stage facts follow one rule: the latest applied event for
(article, stage) wins if its stage version is >= the stored one's (versions
compare numerically, 'clean/1.10.0' > 'clean/1.9.0'); an older stage version
arriving later changes nothing and is recorded in ``skipped`` (counters
``superseded`` and ``skipped``). Re-delivery of the event already in force only
counts ``redelivered``. Equal versions follow log order, so a correction's facts
(made later, by the same code) supersede the original's.

A retracted article's facts go through the same rule, against its hidden lineage,
and are counted, but write nothing (``retraction.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from services.projector import bulk, retraction, stories
from services.projector.entries import LogEntry
from services.projector.sqlconn import Connection

#: One row of statement parameters.
Row = tuple[object, ...]
#: A statement and the rows it runs with, in order.
Write = tuple[str, Sequence[Row]]

_DIGITS = re.compile(r"\d+")
_CHUNK = 500
_STORED = "SELECT article_id, event_id, stageversion FROM {table} WHERE stage = ?"

ENSURE_ARTICLE = "INSERT OR IGNORE INTO articles (article_id) VALUES (?)"
SKIP = "INSERT OR IGNORE INTO skipped VALUES (?, ?, ?, ?, ?)"
LINEAGE = """
INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, stage) DO UPDATE SET event_type = excluded.event_type,
    event_id = excluded.event_id, stageversion = excluded.stageversion,
    causationid = excluded.causationid, time = excluded.time
"""
COUNT = "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value"


def version_key(stageversion: str) -> tuple[int, ...]:
    """The numeric version of a stage version like 'clean/1.2.0' -> (1, 2, 0)."""
    return tuple(int(d) for d in _DIGITS.findall(stageversion.rpartition("/")[2]))


class Fault(NamedTuple):
    """An entry that could not be read: which stream (short name), which entry, why."""

    stream: str
    entry_id: str
    why: str


class Stamp(NamedTuple):
    """Where a stage fact is in the log and what made it: all the version rule and lineage read."""

    stream: str
    entry_id: str
    event_id: str
    event_type: str
    stageversion: str
    causationid: str | None
    time: str

    @classmethod
    def of(cls, entry: LogEntry) -> Stamp:
        e = entry.event
        return cls(entry.stream, entry.entry_id, e.id, e.type, e.stageversion, e.causationid, e.time)


@dataclass(frozen=True, slots=True)
class StageFact:
    """What one stage event says about one article, as the statements that write it."""

    seq: int
    stamp: Stamp
    article_id: str
    stage: str
    writes: tuple[Write, ...]


class Work:
    """A unit of work over one transaction: apply functions add to it, ``flush`` writes it.

    Made without a connection (in a process that only reads and folds the log) it is plain data
    that pickles; ``attach`` gives it the connection to flush into.
    """

    def __init__(self, conn: Connection | None = None, deferred: bulk.Deferred | None = None) -> None:
        self._conn = conn
        self._deferred = deferred
        self._articles: dict[str, None] = {}
        self._inserts: dict[tuple[str, tuple[str, ...]], list[Row]] = {}
        self._facts: dict[tuple[str, str], list[StageFact]] = {}
        self._seq = 0
        self._retracted: dict[str, None] = {}
        self._named: set[str] = set()
        self.counters: Counter[str] = Counter()
        self.faults: list[Fault] = []

    def attach(self, conn: Connection, deferred: bulk.Deferred | None) -> None:
        """Flush into ``conn`` (with what a bulk load defers)."""
        self._conn, self._deferred = conn, deferred

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_conn", "_deferred")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state, _conn=None, _deferred=None)

    def ensure_article(self, article_id: str) -> None:
        """Make sure the article has a row, whichever of its events comes first."""
        self._articles[article_id] = None

    def insert(self, sql: str, row: Row, counters: tuple[str, ...]) -> None:
        """An ``INSERT OR IGNORE`` keyed by event id; ``counters`` go up only if the row is new."""
        self._inserts.setdefault((sql, counters), []).append(row)

    def retract(self, article_id: str) -> None:
        """The article is retracted: remove it everywhere, and ignore its facts from now on."""
        self._retracted[article_id] = None

    def names(self, article_id: str) -> None:
        """An event-keyed row of this batch names the article (its outcome may need hiding)."""
        self._named.add(article_id)

    def skip(
        self, stream: str, entry_id: str, event_id: str | None, event_type: str | None, why: str
    ) -> None:
        """Record an entry that is not applied, with the reason."""
        self.insert(SKIP, (stream, entry_id, event_id, event_type, why), ("skipped",))

    def bad(self, stream: str, entry_id: str, event_id: str | None, event_type: str | None, why: str) -> None:
        """An entry this code cannot read (undecodable, unknown type, newer schema, invalid data):
        skipped like any other, and listed in ``faults`` for a rebuild to stop on or report."""
        self.skip(stream, entry_id, event_id, event_type, why)
        self.faults.append(Fault(stream, entry_id, why))

    def stage_fact(self, entry: LogEntry, article_id: str, stage: str, writes: Iterable[Write]) -> None:
        """A stage's facts about an article; applied at flush if the version rule lets them."""
        fact = StageFact(self._seq, Stamp.of(entry), article_id, stage, tuple(writes))
        self._seq += 1
        self._facts.setdefault((article_id, stage), []).append(fact)

    def flush(self) -> None:
        """Write everything gathered, in an order that gives the one-at-a-time result."""
        conn = self._conn
        if conn is None:
            raise RuntimeError("attach() a connection before flushing")
        touched = {*self._articles, *(a for a, _ in self._facts), *self._retracted, *self._named}
        already = retraction.tombstoned(conn, touched)
        fresh = set(self._retracted) - already
        gone = already | fresh
        orphans = retraction.mentioned(conn, fresh)
        retraction.purge(conn, fresh)  # first: the rule below then reads their hidden lineage
        if self._deferred is not None:
            bulk.purge_staged(conn, fresh)
        winners = self._resolve(gone)
        live = [f for f in winners if f.article_id not in gone]
        orphans |= retraction.mentioned(conn, {f.article_id for f in live if f.stage == "enrich"})
        conn.executemany(ENSURE_ARTICLE, ((a,) for a in self._articles if a not in gone))
        for (sql, counters), inserts in self._inserts.items():
            added = conn.executemany(sql, inserts).rowcount
            for name in counters:
                self.counters[name] += added
        by_sql: dict[str, list[Row]] = {}
        for fact in sorted(live, key=lambda f: f.seq):
            for statement, rows in fact.writes:
                by_sql.setdefault(statement, []).extend(rows)
        deferred = self._deferred
        for statement, batch in by_sql.items():
            if batch:
                for run in (statement,) if deferred is None else deferred.statements(statement):
                    conn.executemany(run, batch)
        indexed = {f.article_id for f in live if f.stage == "index"}
        if deferred is None:
            stories.link(conn, indexed)  # every band is stored now
        else:
            deferred.linked |= indexed
        conn.executemany(LINEAGE.format(table="lineage"), (_lineage_row(f) for f in live))
        hidden = (_lineage_row(f) for f in winners if f.article_id in gone)
        conn.executemany(LINEAGE.format(table="retracted_lineage"), hidden)
        retraction.hide_outcomes(conn, gone & (fresh | self._named))
        if deferred is None:
            retraction.drop_orphans(conn, orphans)
        else:
            deferred.orphans |= orphans
        conn.executemany(COUNT, ((k, v) for k, v in sorted(self.counters.items()) if v))

    def _resolve(self, gone: set[str]) -> list[StageFact]:
        """The final fact per (article, stage); counts every fact applied on the way."""
        winners: list[StageFact] = []
        for stage in sorted({stage for _, stage in self._facts}):
            keys = [key for key in self._facts if key[1] == stage]
            stored = self._stored("lineage", stage, [a for a, _ in keys if a not in gone])
            stored |= self._stored("retracted_lineage", stage, [a for a, _ in keys if a in gone])
            for key in keys:
                current = stored.get(key[0])
                winner: StageFact | None = None
                for fact in self._facts[key]:
                    stamp = fact.stamp
                    if current is not None and stamp.event_id == current[0]:
                        self.counters["redelivered"] += 1
                    elif current is None or version_key(stamp.stageversion) >= version_key(current[1]):
                        winner, current = fact, (stamp.event_id, stamp.stageversion)
                        self.counters[stamp.event_type] += 1
                    else:
                        why = f"superseded: stage version {stamp.stageversion} < {current[1]}"
                        self.skip(stamp.stream, stamp.entry_id, stamp.event_id, stamp.event_type, why)
                        self.counters["superseded"] += 1
                if winner is not None:
                    winners.append(winner)
        return winners

    def _stored(self, table: str, stage: str, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """Stored (event id, stage version) per article for ``stage`` in ``table``."""
        found: dict[str, tuple[str, str]] = {}
        assert self._conn is not None  # flush checked it
        for start in range(0, len(article_ids), _CHUNK):
            chunk = article_ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"{_STORED.format(table=table)} AND article_id IN ({marks})"
            for article_id, event_id, stageversion in self._conn.execute(sql, (stage, *chunk)):
                found[article_id] = (event_id, stageversion)
        return found


def _lineage_row(fact: StageFact) -> Row:
    s = fact.stamp
    return (fact.article_id, fact.stage, s.event_type, s.event_id, s.stageversion, s.causationid, s.time)
