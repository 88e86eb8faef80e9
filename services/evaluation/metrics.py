"""Pure scoring: how one article's predictions line up with its gold labels.

Every field is compared as a set of distinct items, matched one to one: a gold item is found by
at most one prediction, and a prediction counts for at most one gold item. So a second prediction
resolving to an already-matched entity is a false positive (a split entity), and one date
prediction cannot be credited for two gold dates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from services.evaluation.gold import GoldEntity

G = TypeVar("G")
P = TypeVar("P")

#: Money and percentages must match exactly, up to float rounding of the parsed number.
REL_TOLERANCE = 1e-6
ENTITY_TYPES = ("person", "organization", "place", "product", "group")


@dataclass(frozen=True)
class Match:
    """Counts for one field: gold items found (recall) and predictions that are right (precision)."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()

    def __add__(self, other: Match) -> Match:
        return Match(
            self.gold + other.gold,
            self.found + other.found,
            self.predicted + other.predicted,
            self.correct + other.correct,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )

    @property
    def precision(self) -> float:
        """Right predictions over predictions; 1.0 when nothing was predicted (nothing is wrong)."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Gold items found over gold items; 1.0 when there was nothing to find."""
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pair(
    gold: Sequence[G], predicted: Sequence[P], tests: Sequence[Callable[[G, P], bool]]
) -> tuple[list[G], list[P]]:
    """Match one to one, greedily, trying ``tests`` in order (strictest first); return the leftovers."""
    left_gold, left_pred = list(gold), list(predicted)
    for test in tests:
        for g in list(left_gold):
            hit = next((p for p in left_pred if test(g, p)), None)
            if hit is not None:
                left_gold.remove(g)
                left_pred.remove(hit)
    return left_gold, left_pred


def _counted(gold: int, predicted: int, missed: list[str], spurious: list[str]) -> Match:
    return Match(
        gold, gold - len(missed), predicted, predicted - len(spurious), tuple(missed), tuple(spurious)
    )


@dataclass(frozen=True)
class TopicScore:
    """Whether the primary topic is right, and whether the topics at least overlap sensibly."""

    first: bool
    any: bool


def score_topics(gold: Sequence[str], predicted: Sequence[str]) -> TopicScore:
    """``first``: same first label. ``any``: predicted first among gold, or gold first in predicted top 3."""
    if not predicted:
        return TopicScore(first=False, any=False)
    return TopicScore(first=predicted[0] == gold[0], any=predicted[0] in gold or gold[0] in predicted[:3])


@dataclass(frozen=True)
class EntityScore:
    """Entity matches per type, and entities found under the right name but the wrong type."""

    by_type: dict[str, Match] = field(default_factory=dict)
    confusions: tuple[str, ...] = ()

    @property
    def total(self) -> Match:
        return sum(self.by_type.values(), Match())


def score_entities(gold: Sequence[GoldEntity], predicted: Sequence[tuple[str, str]]) -> EntityScore:
    """Match (case-folded name or gold alias, type) pairs; ``predicted`` is (canonical name, type)."""
    distinct = list(dict.fromkeys((name.casefold(), kind) for name, kind in predicted))
    by_type: dict[str, Match] = {}
    missed_all: list[GoldEntity] = []
    spurious_all: list[tuple[str, str]] = []
    for kind in ENTITY_TYPES:
        golds = [g for g in gold if g.type == kind]
        preds = [p for p in distinct if p[1] == kind]
        missed, spurious = pair(golds, preds, [lambda g, p: p[0] in g.accepted_names()])
        missed_all += missed
        spurious_all += spurious
        by_type[kind] = _counted(
            len(golds),
            len(preds),
            [f"{g.name} ({kind})" for g in missed],
            [f"{p[0]} ({kind})" for p in spurious],
        )
    confusions = tuple(
        f"{g.name}: {g.type} predicted as {p[1]}"
        for g in missed_all
        for p in spurious_all
        if p[0] in g.accepted_names()
    )
    return EntityScore(by_type, confusions)


def score_amounts(gold: Sequence[tuple[float, str]], predicted: Sequence[tuple[float, str]]) -> Match:
    """Match (value, unit) pairs exactly (relative tolerance ``REL_TOLERANCE``); unit '' for percentages."""
    golds, preds = list(dict.fromkeys(gold)), list(dict.fromkeys(predicted))

    def same(g: tuple[float, str], p: tuple[float, str]) -> bool:
        return g[1] == p[1] and math.isclose(g[0], p[0], rel_tol=REL_TOLERANCE, abs_tol=1e-9)

    missed, spurious = pair(golds, preds, [same])
    return _counted(len(golds), len(preds), [_amount(a) for a in missed], [_amount(a) for a in spurious])


def _amount(amount: tuple[float, str]) -> str:
    value, unit = amount
    return f"{value:g} {unit}".strip()


def score_dates(gold: Sequence[str], predicted: Sequence[str]) -> Match:
    """Match surface forms case-insensitively: equal first, then either one contained in the other."""
    golds = list(dict.fromkeys(t.casefold() for t in gold))
    preds = list(dict.fromkeys(t.casefold() for t in predicted))
    missed, spurious = pair(golds, preds, [lambda g, p: g == p, lambda g, p: g in p or p in g])
    return _counted(len(golds), len(preds), missed, spurious)
