"""A shadow generation: what the read models would say if a stage's current code ran again.

The chosen inputs are run through the stage and the stages after it **in-process**
(the same ``Stage.process`` functions the workers run, nothing appended to the log),
and the facts they make are applied to a copy of the live store, as entries with
synthetic ids past every position. The copy is for looking at (``diff.py``, or any
query with ``--store``); it is never switched in: read models must always be
derivable from the log, and these facts are not in it. ``--swap`` appends the
reprocess requests instead, and the workers make the same facts for real.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis

from services.archive.store import Archive
from services.common.envelope import Envelope, encode
from services.common.names import STAGE_INPUT, STAGE_OUTPUT, TYPE_STREAM, Names
from services.common.rejection import Rejection
from services.common.stage import Stage, StageContext
from services.projector import generations
from services.projector.entries import LogEntry, entry_key
from services.projector.store import ReadModelStore
from services.replay.log import fetch
from services.replay.selection import Input

Fact = tuple[str, Envelope]


@dataclass
class ShadowRun:
    """What the in-process run made: how many facts, for which articles, and the inputs it could not use."""

    facts: int = 0
    articles: list[str] = field(default_factory=list)
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


class ShadowStore:
    """A copy of the live read models (SQLite backup API) that facts are applied to past every position."""

    def __init__(self, live: Path, target: Path) -> None:
        generations.drop(target)
        source = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True)
        with closing(source), closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        self.path = target
        self.store = ReadModelStore.open(target, bulk=True)  # as a rebuild: nobody reads it until settled
        self._after = max(entry_key(p)[0] for p in self.store.positions().values()) + 1
        self._seq = 0

    def apply(self, facts: Sequence[Fact]) -> None:
        """Apply facts as entries with synthetic ids greater than any position, in order."""
        entries = [
            LogEntry(stream, f"{self._after}-{self._seq + n}", e) for n, (stream, e) in enumerate(facts)
        ]
        self._seq += len(entries)
        self.store.apply_batch(entries)

    def settle(self) -> None:
        """Make what the bulk load deferred (full-text index, links, indexes): ready to be read."""
        self.store.settle()

    def close(self) -> None:
        self.store.close()


def run_chain(stages: Sequence[Stage], names: Names, event: Envelope, entry_id: str) -> list[Fact]:
    """The facts ``stages`` (in order) make of ``event``; a rejection ends the chain, as in the pipeline."""
    facts: list[Fact] = []
    current = event
    for stage in stages:
        if current.type not in stage.accepts:
            break
        ctx = StageContext(names, stage.name, stage.version)
        try:
            result = stage.process(current, ctx)
        except Rejection as fault:
            facts.append(("rejected", ctx.rejected(encode(current), entry_id, fault, current)))
            break
        facts += [(TYPE_STREAM.get(e.type, STAGE_OUTPUT[stage.name]), e) for e in result.events]
        if not result.events:
            break
        current = result.events[0]
    return facts


async def run_shadow(
    client: Redis, names: Names, stages: Sequence[Stage], chosen: list[Input], shadow: ShadowStore,
    *, batch: int = 200, archive: Archive | None = None,
) -> ShadowRun:  # fmt: skip
    """Run ``stages`` on every chosen input of the first one (fetched in batches), into ``shadow``."""
    run = ShadowRun()
    short = STAGE_INPUT[stages[0].name]
    for start in range(0, len(chosen), batch):
        part = chosen[start : start + batch]
        found = await fetch(client, names, [(short, i.entry_id) for i in part], archive)
        facts: list[Fact] = []
        for item in part:
            entry = found.get((short, item.entry_id))
            if entry is None:
                run.errors.append(f"{item.entry_id}: no longer in the log")
                continue
            try:
                made = run_chain(stages, names, entry.event, item.entry_id)
            except Exception as exc:  # noqa: BLE001 - one article's bug must not hide the others' diff
                run.errors.append(f"{item.entry_id} ({item.subject}): {type(exc).__name__}: {exc}")
                continue
            facts += made
            run.rejected += sum(1 for stream, _ in made if stream == "rejected")
            if item.subject:
                run.articles.append(item.subject)
        shadow.apply(facts)
        run.facts += len(facts)
    shadow.settle()
    return run
