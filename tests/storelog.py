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
    return seed_part() + made_up_part()


FIXED = (
    ArticleSpec("m-fix", "Minister resigns", "The minister of transport resigned on Monday.", (), (), None),
    ArticleSpec(
        "m-fix", "Transport minister resigns", "Jane Doe, minister of transport, resigned.", (), (), None
    ),
)


def seed_part(ms: int = 1_700_000_000_000) -> list[LogEntry]:
    """The first made-up article (a story the other part continues, written at the same place in
    it), the seed articles, and an article with its correction: each article's whole history is in
    one part, as in one partition."""
    pairs = article_events(MADE_UP[0])
    pairs += seed_events()
    pairs += article_events(FIXED[0])
    pairs += corrected_events(FIXED[1], note="the name of the minister")
    return LogBuilder(ms).entries(pairs)


def made_up_part(ms: int = 1_700_000_500_000) -> list[LogEntry]:
    """The other made-up articles, with a re-delivery and a retraction."""
    pairs: list[tuple[str, Envelope]] = []
    for spec in MADE_UP[1:]:
        pairs += article_events(spec)
    pairs += pairs[-3:]  # a re-delivery of the last article's last facts
    pairs += retracted_events("m-gone", reason="published by mistake")
    return LogBuilder(ms).entries(pairs)
