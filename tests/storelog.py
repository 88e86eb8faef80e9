"""A log to fold into either read store: the seed articles run through every stage in-process,
plus made-up articles with a correction, a retraction, a duplicate delivery and a story rewrite."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from services.common.envelope import Envelope
from services.projector.entries import LogEntry
from services.projector.synthetic import (
    ArticleSpec,
    LogBuilder,
    article_events,
    corrected_events,
    retracted_events,
)
from services.publish.sources import read_paths

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
_STREAM = {
    "article.submitted": "submitted",
    "article.ingested": "ingested",
    "article.duplicate": "ingested",
    "article.cleaned": "cleaned",
    "article.classified": "classified",
    "article.enriched": "enriched",
    "article.indexed": "indexed",
    "article.rejected": "rejected",
}
_TEXT = (
    "The central bank raised interest rates again on Thursday, saying inflation had not cooled fast "
    "enough, and investors sold shares in banks and builders across the region before the close."
)
MADE_UP = (
    ArticleSpec("m-rates", "Central bank raises rates", _TEXT, (), (), "2024-05-02T08:00:00Z"),
    ArticleSpec("m-rates-copy", "Rates up again", _TEXT + " Analysts expect more.", (), (), None),
    ArticleSpec("m-gone", "Published by mistake", "This article was withdrawn soon after.", (), (), None),
)


@cache
def seed_events() -> tuple[tuple[str, Envelope], ...]:
    """Every event the stages make of the seed articles (run in-process, no server)."""
    from services.stages import run_inline

    pairs: list[tuple[str, Envelope]] = []
    for item in read_paths([str(SEEDS)]):
        pairs += [(_STREAM[e.type], e) for e in run_inline(item.raw).events]
    return tuple(pairs)


def store_log() -> list[LogEntry]:
    """The whole log, with stream entry ids as XADD gives them."""
    pairs = list(seed_events())
    for spec in MADE_UP:
        pairs += article_events(spec)
    pairs += pairs[-3:]  # a re-delivery of the last article's last facts
    fixed = ArticleSpec("m-rates", "Central bank raises rates by a quarter point", _TEXT, (), (), None)
    pairs += corrected_events(fixed, note="the size of the rise")
    pairs += retracted_events("m-gone", reason="published by mistake")
    return LogBuilder().entries(pairs)
