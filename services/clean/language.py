"""Language identification with py3langid, falling back to the publisher's hint on short text."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# py3langid ships no type information; _identifier() wraps it in typed functions.
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

UNDETERMINED = "und"

# Below this many letters no detector can tell languages apart ("Xiaomi", "OK").
MIN_LETTERS = 12
# Below this probability the detector's answer is a guess.
MIN_CONFIDENCE = 0.2
# Below this probability a publisher's hint is trusted more than the detector.
SURE = 0.8
# What a hint is worth when the detector cannot confirm it.
HINT_CONFIDENCE = 0.5
# The first few thousand characters decide the language; reading further only costs time.
SAMPLE_CHARS = 4000

# py3langid also knows languages without an ISO 639-1 code; these map onto their macrolanguage.
_MACRO = {"arz": "ar", "ary": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz", "sdh": "ku", "gug": "gn"}
_LETTER = re.compile(r"[^\W\d_]")


def _fold_headline_case(sample: str) -> str:
    """Lower-case Title Case text: the model reads "Yen Slides As Japan..." as capitalised names."""
    words = sample.split()
    capitalised = sum(1 for word in words if word[:1].isupper())
    return sample.lower() if capitalised * 2 > len(words) else sample


@cache
def _identifier() -> Any:
    """The identifier, built on first use: unpacking the model takes about a second."""
    # norm_probs turns the naive Bayes scores into probabilities in [0, 1].
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _iso639_1(code: str | None) -> str | None:
    """Two-letter code for ``code`` ('en-US' -> 'en', 'yue' -> 'zh'), None when there is none."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    base = _MACRO.get(base, base)
    return base if len(base) == 2 and base.isalpha() else None


def detect_language(text: str, hint: str | None = None) -> tuple[str, float]:
    """ISO 639-1 code of ``text`` and a confidence in [0, 1]; ``('und', 0.0)`` when unknown."""
    hinted = _iso639_1(hint)
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return (hinted, HINT_CONFIDENCE) if hinted else (UNDETERMINED, 0.0)
    ranking: list[tuple[str, float]] = _identifier().rank(_fold_headline_case(sample))
    best, confidence = ranking[0]
    detected = _iso639_1(best)
    if hinted and hinted != detected and confidence < SURE:
        # Short or mixed text: the publisher knows its own language better than a guess does.
        hint_score = next((score for code, score in ranking if _iso639_1(code) == hinted), 0.0)
        return hinted, round(max(hint_score, HINT_CONFIDENCE), 4)
    if detected is None or confidence < MIN_CONFIDENCE:
        return UNDETERMINED, 0.0
    return detected, round(min(confidence, 1.0), 4)
