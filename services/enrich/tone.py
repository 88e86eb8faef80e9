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
from dataclasses import dataclass
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


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence (split on sentence-final punctuation and line breaks, good
    enough for a lexicon score), surrounding white space left out, empty ones dropped."""
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(text))]
    spans = []
    for start, end in zip(bounds, [*bounds[1:], len(text)], strict=True):
        part = text[start:end]
        stripped = part.strip()
        if stripped:
            first = start + part.index(stripped)
            spans.append((first, first + len(stripped)))
    return spans


@dataclass(frozen=True, slots=True)
class Scored:
    """A text's sentences and their VADER scores, computed once for the article and its entities."""

    spans: list[tuple[int, int]]
    scores: list[dict[str, float]]


def score(text: str) -> Scored:
    """Every sentence of ``text`` scored by VADER."""
    spans = _spans(text)
    analyzer = _analyzer()
    return Scored(spans, [analyzer.polarity_scores(text[a:b]) for a, b in spans])


def _unit(value: float) -> float:
    return min(1.0, max(0.0, round(value, 4)))


def find_tone(text: str, scored: Scored | None = None) -> Tone:
    """Mean VADER compound score over sentences, with mean positive/negative/neutral shares."""
    scores = (scored or score(text)).scores
    if not scores:
        return Tone(score=0.0, positive=0.0, negative=0.0, neutral=1.0, method=method())
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


def entity_tones(text: str, entities: Sequence[Entity], scored: Scored | None = None) -> list[float | None]:
    """Per entity, the mean compound score of the sentences of ``text`` that name it; None if none does."""
    scored = scored or score(text)
    starts = [a for a, _ in scored.spans]
    tones: list[float | None] = []
    for entity in entities:
        named: set[int] = set()
        for form in set(entity.surface_forms):
            at = text.find(form)
            while at >= 0:
                end = at + len(form)
                if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                    index = bisect.bisect_right(starts, at) - 1
                    if index >= 0 and at < scored.spans[index][1]:
                        named.add(index)
                at = text.find(form, end)
        values = [scored.scores[i]["compound"] for i in sorted(named)]
        tones.append(min(1.0, max(-1.0, round(sum(values) / len(values), 4))) if values else None)
    return tones
