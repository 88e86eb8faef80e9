"""Run the pipeline on a gold article, in-process, and time each stage's pure function.

The predictions come from ``services.stages.run_inline``, exactly what ``newsfacts analyze``
runs. Its events carry no timings, so clean, classify and enrich are then called once more, on
the same inputs, under a clock; ``pipeline`` times the whole inline run (envelopes included).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from services.classify.logic import classify
from services.clean.logic import clean
from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleCleanedV1, ArticleEnrichedV3
from services.common.events.intake import ArticleIngestedV1, ArticleRejectedV1
from services.enrich.logic import enrich
from services.evaluation.gold import GoldItem
from services.stages import run_inline

T = TypeVar("T")
#: Stage timings reported, in pipeline order.
TIMED = ("clean", "classify", "enrich", "pipeline")


@dataclass(frozen=True)
class Prediction:
    """What the pipeline said about one article, reduced to what is scored."""

    topics: list[str] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)
    money: list[tuple[float, str]] = field(default_factory=list)
    percentages: list[tuple[float, str]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    ms: dict[str, float] = field(default_factory=dict)
    rejected: str | None = None


def predict(item: GoldItem) -> Prediction:
    """Run every stage on the gold article; a rejected article predicts nothing."""
    raw = json.dumps(item.article.model_dump(exclude_none=True)).encode()
    run, pipeline_ms = _timed(lambda: run_inline(raw))
    if run.rejected is not None:
        fault = read_as(run.rejected, ArticleRejectedV1)
        return Prediction(ms={"pipeline": pipeline_ms}, rejected=f"{fault.stage}: {fault.message}")
    enriched = read_as(_event(run.events, "article.enriched"), ArticleEnrichedV3)
    ms = stage_times(_event(run.events, "article.ingested"), _event(run.events, "article.cleaned"))
    return Prediction(
        topics=[t.label for t in enriched.topics],
        entities=[(e.name, e.type) for e in enriched.entities],
        money=[(m.value, m.currency) for m in enriched.money],
        percentages=[(p.value, "") for p in enriched.percentages],
        dates=[d.text for d in enriched.dates],
        ms=ms | {"pipeline": pipeline_ms},
    )


def stage_times(ingested: Envelope, cleaned: Envelope) -> dict[str, float]:
    """Milliseconds each stage function takes on this article's inputs."""
    raw, article = read_as(ingested, ArticleIngestedV1), read_as(cleaned, ArticleCleanedV1).article
    _, clean_ms = _timed(lambda: clean(raw))
    _, classify_ms = _timed(lambda: classify(article))
    _, enrich_ms = _timed(lambda: enrich(article))
    return {"clean": clean_ms, "classify": classify_ms, "enrich": enrich_ms}


def warm_up(item: GoldItem) -> None:
    """Run one article untimed, so lexicons and gazetteers load outside the first measurement."""
    predict(item)


def _event(events: list[Envelope], event_type: str) -> Envelope:
    return next(e for e in events if e.type == event_type)


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000
