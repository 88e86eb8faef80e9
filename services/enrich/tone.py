"""Article tone from the VADER sentiment lexicon (Hutto & Gilbert, 2014), averaged over sentences."""

from __future__ import annotations

import functools
import re
from importlib import metadata

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

from services.common.events.facts import Tone

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
