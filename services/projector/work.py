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
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.projector import retraction, stories
from services.projector.entries import LogEntry

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


@dataclass(frozen=True, slots=True)
class StageFact:
    """What one stage event says about one article, as the statements that write it."""

    seq: int
    entry: LogEntry
    article_id: str
    stage: str
    writes: tuple[Write, ...]


class Work:
    """A unit of work over one transaction: apply functions add to it, ``flush`` writes it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._articles: dict[str, None] = {}
        self._inserts: dict[tuple[str, tuple[str, ...]], list[Row]] = {}
        self._facts: dict[tuple[str, str], list[StageFact]] = {}
        self._seq = 0
        self._retracted: dict[str, None] = {}
        self._named: set[str] = set()
        self.counters: Counter[str] = Counter()

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

    def stage_fact(self, entry: LogEntry, article_id: str, stage: str, writes: Iterable[Write]) -> None:
        """A stage's facts about an article; applied at flush if the version rule lets them."""
        fact = StageFact(self._seq, entry, article_id, stage, tuple(writes))
        self._seq += 1
        self._facts.setdefault((article_id, stage), []).append(fact)

    def flush(self) -> None:
        """Write everything gathered, in an order that gives the one-at-a-time result."""
        conn = self._conn
        touched = {*self._articles, *(a for a, _ in self._facts), *self._retracted, *self._named}
        already = retraction.tombstoned(conn, touched)
        fresh = set(self._retracted) - already
        gone = already | fresh
        orphans = retraction.mentioned(conn, fresh)
        retraction.purge(conn, fresh)  # first: the rule below then reads their hidden lineage
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
        for statement, batch in by_sql.items():
            if batch:
                conn.executemany(statement, batch)
        stories.link(conn, {f.article_id for f in live if f.stage == "index"})  # every band is stored now
        conn.executemany(LINEAGE.format(table="lineage"), (_lineage_row(f) for f in live))
        hidden = (_lineage_row(f) for f in winners if f.article_id in gone)
        conn.executemany(LINEAGE.format(table="retracted_lineage"), hidden)
        retraction.hide_outcomes(conn, gone & (fresh | self._named))
        retraction.drop_orphans(conn, orphans)
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
                    event = fact.entry.event
                    if current is not None and event.id == current[0]:
                        self.counters["redelivered"] += 1
                    elif current is None or version_key(event.stageversion) >= version_key(current[1]):
                        winner, current = fact, (event.id, event.stageversion)
                        self.counters[event.type] += 1
                    else:
                        why = f"superseded: stage version {event.stageversion} < {current[1]}"
                        self.skip(fact.entry.stream, fact.entry.entry_id, event.id, event.type, why)
                        self.counters["superseded"] += 1
                if winner is not None:
                    winners.append(winner)
        return winners

    def _stored(self, table: str, stage: str, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """Stored (event id, stage version) per article for ``stage`` in ``table``."""
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(article_ids), _CHUNK):
            chunk = article_ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"{_STORED.format(table=table)} AND article_id IN ({marks})"
            for article_id, event_id, stageversion in self._conn.execute(sql, (stage, *chunk)):
                found[article_id] = (event_id, stageversion)
        return found


def _lineage_row(fact: StageFact) -> Row:
    event = fact.entry.event
    return (
        fact.article_id,
        fact.stage,
        event.type,
        event.id,
        event.stageversion,
        event.causationid,
        event.time,
    )
