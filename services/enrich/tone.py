"""Tone from the VADER sentiment lexicon (Hutto & Gilbert, 2014), averaged over sentences.

The article's tone is the mean over all its sentences; an entity's tone is the mean over the
sentences that name it (any of the ways the article wrote it), so 'Boeing' in a story of crashes
and 'Airbus' in the same story's paragraph on record orders can differ.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from importlib import metadata

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

from services.common.events.facts import Entity, Tone

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """Built once: the analyser reads its lexicon file when it is created."""
    return SentimentIntensityAnalyzer()


@functools.cache
def method() -> str:
    """Names the lexicon version, so a score can be traced to what produced it."""
    return f"vaderSentiment {metadata.version('vaderSentiment')} mean compound over sentences"


def sentences(text: str) -> list[str]:
    """Split on sentence-final punctuation and line breaks; good enough for a lexicon score."""
    return [part for part in (p.strip() for p in _SENTENCE_END.split(text)) if part]


def _sentence_starts(text: str) -> list[int]:
    """Offsets where each sentence of ``text`` begins (the same split as ``sentences``)."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def entity_tones(text: str, entities: Sequence[Entity]) -> list[float | None]:
    """Per entity, the mean compound score of the sentences of ``text`` that name it; None if none does."""
    starts = _sentence_starts(text)
    analyzer = _analyzer()
    scores: dict[int, float] = {}
    tones: list[float | None] = []
    for entity in entities:
        forms = sorted(set(entity.surface_forms), key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w])")
        named = sorted({bisect.bisect_right(starts, m.start()) - 1 for m in pattern.finditer(text)})
        for index in named:
            if index not in scores:
                end = starts[index + 1] if index + 1 < len(starts) else len(text)
                scores[index] = analyzer.polarity_scores(text[starts[index] : end])["compound"]
        values = [scores[i] for i in named]
        tones.append(min(1.0, max(-1.0, round(sum(values) / len(values), 4))) if values else None)
    return tones


def _unit(value: float) -> float:
    return min(1.0, max(0.0, round(value, 4)))


def find_tone(text: str) -> Tone:
    """Mean VADER compound score over sentences, with mean positive/negative/neutral shares."""
    parts = sentences(text)
    if not parts:
        return Tone(score=0.0, positive=0.0, negative=0.0, neutral=1.0, method=method())
    analyzer = _analyzer()
    scores = [analyzer.polarity_scores(part) for part in parts]
    mean = {
        key: sum(score[key] for score in scores) / len(scores) for key in ("compound", "pos", "neg", "neu")
    }
    return Tone(
        score=min(1.0, max(-1.0, round(mean["compound"], 4))),
        positive=_unit(mean["pos"]),
        negative=_unit(mean["neg"]),
        neutral=_unit(mean["neu"]),
        method=method(),
    )
