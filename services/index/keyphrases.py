"""Key phrases by RAKE (Rose et al., 2010), boosted when they name an entity the enrich stage found.

Candidates are runs of words between stopwords, punctuation and line breaks, as
in RAKE. RAKE then scores a word by degree/frequency, which favours long one-off
phrases (a list of unrelated headlines at the foot of a page wins). News key
phrases are the repeated ones, so here a word scores ``sqrt(degree * frequency)``
(frequency times the square root of RAKE's ratio), a phrase the sum of its
words over ``sqrt(length)``, times ``1 + ln(occurrences)``, doubled when it
contains an entity the enrich stage found. A run longer than ``MAX_WORDS`` (a
headline has no stopwords) is not a candidate itself, but the known phrases and
entity names inside it count as occurrences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import chain

MAX_WORDS = 4
ENTITY_BOOST = 2.0

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:[-'\u2019&.][^\W_]+)*")
_POSSESSIVE = ("'s", "\u2019s")


@cache
def stopwords() -> frozenset[str]:
    """The stopword list shipped as ``data/stopwords.txt`` (see its header for provenance)."""
    text = files("services.index").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _is_delimiter(word: str, stop: frozenset[str]) -> bool:
    lower = word.lower().replace("\u2019", "'")
    if lower in stop or lower.replace(".", "") in stop:
        return True
    letters = sum(ch.isalpha() for ch in word)
    return letters < 2 and not (letters == 1 and len(word) > 1)  # drop '2024', 'a'; keep 'H1'


def candidates(text: str, stop: frozenset[str]) -> Iterator[list[str]]:
    """Runs of content words, split at stopwords, numbers, punctuation and possessives."""
    phrase: list[str] = []
    prev_end = 0
    for match in _TOKEN.finditer(text):
        gap = text[prev_end : match.start()]
        if phrase and (gap.strip() or "\n" in gap):
            yield phrase
            phrase = []
        prev_end = match.end()
        word = match.group()
        possessive = word.endswith(_POSSESSIVE)
        if possessive:
            word = word[:-2]
        if _is_delimiter(word, stop):
            if phrase:
                yield phrase
            phrase = []
            continue
        phrase.append(word)
        if possessive:
            yield phrase
            phrase = []
    if phrase:
        yield phrase


@dataclass
class _Phrase:
    first: int
    count: int = 0
    surfaces: Counter[str] = field(default_factory=Counter)


def key_phrases(title: str, text: str, entity_names: Iterable[str] = (), limit: int = 8) -> list[str]:
    """The ``limit`` best key phrases of an article, best first, as written in it."""
    stop = stopwords()
    runs = list(chain(candidates(title, stop), candidates(text, stop)))
    entities = _entity_keys(entity_names, stop)
    known = entities | {_key(run) for run in runs if len(run) <= MAX_WORDS}
    phrases: dict[tuple[str, ...], _Phrase] = {}
    freq: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    pieces = (piece for run in runs for piece in _pieces(run, known))
    for index, words in enumerate(pieces):
        key = _key(words)
        for word in key:
            freq[word] += 1
            degree[word] += len(key)
        entry = phrases.setdefault(key, _Phrase(first=index))
        entry.count += 1
        entry.surfaces[" ".join(words)] += 1

    def score(key: tuple[str, ...]) -> float:
        words = sum(math.sqrt(degree[w] * freq[w]) for w in key) / math.sqrt(len(key))
        boost = ENTITY_BOOST if any(sub in entities for sub in _subsequences(key)) else 1.0
        return words * (1.0 + math.log(phrases[key].count)) * boost

    ranked = sorted(phrases, key=lambda k: (-score(k), phrases[k].first))
    chosen: list[tuple[str, ...]] = []
    for key in ranked:
        if any(_overlaps(key, c) for c in chosen):
            continue  # 'vehicle' adds nothing to 'electric vehicle', nor the reverse
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [phrases[k].surfaces.most_common(1)[0][0] for k in chosen]


def _key(words: list[str]) -> tuple[str, ...]:
    return tuple(w.lower() for w in words)


def _pieces(run: list[str], known: set[tuple[str, ...]]) -> Iterator[list[str]]:
    """A run as a candidate; a run too long to be one yields the known phrases inside it, longest first."""
    if len(run) <= MAX_WORDS:
        yield run
        return
    start = 0
    while start < len(run):
        for size in range(min(MAX_WORDS, len(run) - start), 0, -1):
            if _key(run[start : start + size]) in known:
                yield run[start : start + size]
                start += size
                break
        else:
            start += 1


def _entity_keys(names: Iterable[str], stop: frozenset[str]) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    for name in names:
        for words in candidates(name, stop):
            keys.add(_key(words))
    return keys


def _subsequences(key: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    for start in range(len(key)):
        for end in range(start + 1, len(key) + 1):
            yield key[start:end]


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))
