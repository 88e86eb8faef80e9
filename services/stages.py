"""The pipeline's stages in order, and a way to run them all in-process (no Redis).

``run_inline`` is what ``newsfacts analyze`` and the benchmark's in-process
ceiling use: the same ``Stage.process`` functions the workers run, chained
directly instead of through streams.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.classify.stage import STAGE as CLASSIFY
from services.clean.stage import STAGE as CLEAN
from services.common.envelope import Envelope, encode
from services.common.names import Names
from services.common.rejection import Rejection
from services.common.stage import Stage, StageContext
from services.enrich.stage import STAGE as ENRICH
from services.index.stage import STAGE as INDEX
from services.ingest.stage import STAGE as INGEST


@dataclass(frozen=True, slots=True)
class InlineRun:
    """Every event one submission produced, in order; ``rejected`` when a stage refused it."""

    events: list[Envelope]
    rejected: Envelope | None


def run_inline(
    raw: bytes, names: Names | None = None, *, max_article_bytes: int = 4 * 1024 * 1024
) -> InlineRun:
    """Run every stage on one raw submission (an envelope or a bare article JSON)."""
    names = names or Names("inline")
    events: list[Envelope] = []
    current: Envelope | None = None
    for stage in STAGES.values():
        ctx = StageContext(names, stage.name, stage.version, max_article_bytes=max_article_bytes)
        try:
            if current is None:
                current = stage.read(raw, "0-1", ctx)
                events.append(current)
            if current.type not in stage.accepts:  # e.g. a retraction: a fact for the read models only
                break
            result = stage.process(current, ctx)
        except Rejection as fault:
            rejection = ctx.rejected(raw if current is None else encode(current), "0-1", fault, current)
            return InlineRun([*events, rejection], rejection)
        events.extend(result.events)
        current = result.events[0]
    return InlineRun(events, None)


STAGES: dict[str, Stage] = {s.name: s for s in (INGEST, CLEAN, CLASSIFY, ENRICH, INDEX)}
