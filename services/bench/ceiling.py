"""The in-process ceiling: every stage and the projector in one loop on one core, no Redis.

The same ``Stage.process`` functions the workers run (``services.stages.run_inline``) and the same
``ReadModelStore.apply_batch`` the projector runs, so the pipeline's figures can be read against
what the code itself costs when no broker, serialisation between stages or second process is involved.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from services.common.envelope import Envelope
from services.common.names import STAGE_OUTPUT, TYPE_STREAM
from services.projector.entries import LogEntry
from services.projector.store import ReadModelStore
from services.projector.synthetic import LogBuilder
from services.stages import STAGES, run_inline


@dataclass(frozen=True, slots=True)
class Ceiling:
    """What the single-core loop did and what it cost."""

    articles: int
    events: int
    rejected: int
    cpu_s: float
    wall_s: float

    @property
    def per_core(self) -> float:
        """Articles per CPU second: the rate one fully busy core reaches."""
        return self.articles / self.cpu_s if self.cpu_s > 0 else 0.0

    @property
    def cpu_ms_per_article(self) -> float:
        return 1000 * self.cpu_s / self.articles if self.articles else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "articles": self.articles,
            "events": self.events,
            "rejected": self.rejected,
            "cpu_s": round(self.cpu_s, 3),
            "wall_s": round(self.wall_s, 3),
            "articles_per_s_one_core": round(self.per_core, 1),
            "cpu_ms_per_article": round(self.cpu_ms_per_article, 2),
        }


def stream_of(event: Envelope) -> str:
    """The log stream (short name) a worker would have appended ``event`` to."""
    if event.type == "article.submitted":
        return "submitted"
    return TYPE_STREAM.get(event.type) or STAGE_OUTPUT[event.stageversion.partition("/")[0]]


def measure_ceiling(payloads: Sequence[bytes], store_path: Path, *, batch: int = 100) -> Ceiling:
    """Run ``payloads`` through every stage and into a fresh store at ``store_path``, timing it.

    Stages are warmed up first, as workers are before they read; the store gets one transaction per
    ``batch`` articles, as the projector gets one per batch read.
    """
    for stage in STAGES.values():
        stage.warm_up()
    builder = LogBuilder()
    events = rejected = 0
    with ReadModelStore.open(store_path) as store:
        pending: list[LogEntry] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for n, raw in enumerate(payloads, 1):
            run = run_inline(raw)
            rejected += run.rejected is not None
            pending.extend(builder.entry(stream_of(e), e) for e in run.events)
            if n % batch == 0 or n == len(payloads):
                events += store.apply_batch(pending)
                pending = []
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Ceiling(len(payloads), events, rejected, cpu, wall)
