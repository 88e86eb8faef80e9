"""Rebuild read models from the log into a store of their own, with progress and a rate."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

from redis.asyncio import Redis

from services.archive.store import Archive
from services.common.names import Names
from services.projector.entries import entry_key
from services.projector.fold import fold
from services.projector.store import collector_paused
from services.projector.work import Fault
from services.readstore import Store
from services.replay.log import read_log
from services.replay.reader import folded_log


@dataclass
class Progress:
    """A progress bar on a terminal, a plain line every few seconds otherwise."""

    total: int
    out: TextIO = field(default_factory=lambda: sys.stderr)
    done: int = 0
    started: float = field(default_factory=time.perf_counter)
    _last: float = 0.0

    def advance(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if self.out.isatty():
            share = min(1.0, self.done / self.total) if self.total else 1.0
            bar = "#" * int(share * 30)
            self.out.write(f"\r[{bar:<30}] {self.done:,}/{self.total:,} events  {self.rate():,.0f}/s")
            self.out.flush()
        elif now - self._last >= 2.0:
            self.out.write(f"replay: {self.done:,}/{self.total:,} events, {self.rate():,.0f} events/s\n")
            self._last = now

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def finish(self) -> None:
        if self.out.isatty():
            self.out.write("\n")


#: Entries per stream per read: one read of every stream (and the batch being written) is what a
#: rebuild holds in memory; larger batches are no faster once there is no sync per transaction.
BATCH = 2000


class BadEntry(Exception):
    """A rebuild met an entry this code cannot read, and was not told to skip such entries."""


@dataclass
class BadEntries:
    """What a rebuild does with entries it cannot read: stop at the first (the default), or skip
    them as the live projector does (recorded in ``skipped``) and list them here."""

    names: Names
    skip: bool = False
    found: list[str] = field(default_factory=list)

    def check(self, faults: list[Fault]) -> None:
        """Stop on the first of ``faults`` unless skipping; list them all when skipping."""
        described = [f"{self.names.stream(f.stream)} entry {f.entry_id}: {f.why}" for f in faults]
        if described and not self.skip:
            raise BadEntry(described[0])
        self.found += described


@dataclass(frozen=True, slots=True)
class RebuildReport:
    events: int
    seconds: float
    checksum: str
    skipped: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


async def replay_into(
    client: Redis, names: Names, store: Store, *, until: str = "+", batch: int = 5000,
    progress: Progress | None = None, bad: BadEntries | None = None, archive: Archive | None = None,
) -> int:  # fmt: skip
    """Apply every log entry past the store's positions (up to ``until``; archive, then hot tier) in
    this process; return how many were applied. Entries it cannot read stop it (``BadEntry``) unless
    ``bad`` skips them."""
    bad = bad or BadEntries(names)
    applied = 0
    positions = {short: entry_key(at) for short, at in store.positions().items()}
    with collector_paused():  # decoded batches are acyclic: reference counting frees them
        after = store.positions()
        async for entries in read_log(client, names, after=after, until=until, batch=batch, archive=archive):
            folded = fold(entries, positions)
            bad.check(folded.work.faults)
            store.apply_work(folded)
            positions.update(folded.advanced)
            applied += folded.entries
            if progress is not None:
                progress.advance(len(entries))
    return applied


def rebuild_from(
    url: str, names: Names, store: Store, *, until: str = "+", batch: int = BATCH,
    progress: Progress | None = None, bad: BadEntries | None = None, archive: Archive | None = None,
) -> int:  # fmt: skip
    """``replay_into`` with the reading and folding in a process of its own (``reader.py``): this one
    only writes the store, so the two overlap on two cores."""
    bad = bad or BadEntries(names)
    applied = 0
    with collector_paused():
        for folded in folded_log(url, names, store.positions(), until, batch, archive):
            bad.check(folded.work.faults)
            store.apply_work(folded)
            applied += folded.entries
            if progress is not None:
                progress.advance(folded.entries)
    return applied
