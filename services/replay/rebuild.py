"""Rebuild read models from the log into a store of their own, with progress and a rate."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

from redis.asyncio import Redis

from services.common.names import Names
from services.projector.store import ReadModelStore, collector_paused
from services.replay.log import read_log


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


@dataclass(frozen=True, slots=True)
class RebuildReport:
    events: int
    seconds: float
    checksum: str

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


async def replay_into(
    client: Redis, names: Names, store: ReadModelStore, *, until: str = "+", batch: int = 5000,
    progress: Progress | None = None,
) -> int:  # fmt: skip
    """Apply every log entry past the store's positions (up to ``until``); return how many were applied."""
    applied = 0
    with collector_paused():  # decoded batches are acyclic: reference counting frees them
        async for entries in read_log(client, names, after=store.positions(), until=until, batch=batch):
            applied += store.apply_batch(entries)
            if progress is not None:
                progress.advance(len(entries))
    return applied
