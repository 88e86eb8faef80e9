"""An evaluation's results: per-article scores, the figures over them, and the targets they meet."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from services.evaluation.metrics import ENTITY_TYPES, EntityScore, Match, TopicScore

#: Quality the issues ask for (#18 raised topics, entity recall, money and percentages); a figure at or
#: above its threshold passes.
TARGETS: dict[str, float] = {
    "topics.accuracy": 0.90,
    "entities.precision": 0.90,
    "entities.recall": 0.85,
    "money.precision": 0.97,
    "money.recall": 0.97,
    "percentages.precision": 0.97,
    "percentages.recall": 0.97,
    "dates.recall": 0.85,
}
#: How many of the commonest errors of each kind a report lists.
TOP_ERRORS = 15


@dataclass(frozen=True)
class ArticleScore:
    """How the pipeline did on one gold article."""

    id: str
    gold_topics: tuple[str, ...]
    predicted_topics: tuple[str, ...]
    topics: TopicScore
    entities: EntityScore
    money: Match
    percentages: Match
    dates: Match
    ms: dict[str, float]
    rejected: str | None = None


@dataclass(frozen=True)
class EvalReport:
    """Scores of every article of one gold file (or several, combined), and figures over them."""

    name: str
    articles: tuple[ArticleScore, ...]

    @classmethod
    def combine(cls, name: str, reports: list[EvalReport]) -> EvalReport:
        """One report over the articles of several."""
        return cls(name, tuple(a for r in reports for a in r.articles))

    def total(self, kind: str) -> Match:
        """Micro totals of 'money', 'percentages', 'dates', 'entities' or one entity type."""
        if kind == "entities":
            return sum((a.entities.total for a in self.articles), Match())
        if kind in ENTITY_TYPES:
            return sum((a.entities.by_type[kind] for a in self.articles), Match())
        return sum((getattr(a, kind) for a in self.articles), Match())

    def figures(self) -> dict[str, float]:
        """Every headline figure by dotted name, e.g. 'entities.precision' (micro-averaged)."""
        n = len(self.articles) or 1
        out = {
            "topics.accuracy": sum(a.topics.first for a in self.articles) / n,
            "topics.any_match": sum(a.topics.any for a in self.articles) / n,
        }
        for kind in ("entities", "money", "percentages", "dates"):
            match = self.total(kind)
            out |= {
                f"{kind}.precision": match.precision,
                f"{kind}.recall": match.recall,
                f"{kind}.f1": match.f1,
            }
        # Macro: each article weighs the same, so a long article with 40 entities cannot hide short ones.
        for measure in ("precision", "recall", "f1"):
            out[f"entities.macro_{measure}"] = (
                sum(getattr(a.entities.total, measure) for a in self.articles) / n
            )
        return out

    def targets(self) -> list[tuple[str, float, float, bool]]:
        """(figure, value, threshold, passed) for every target."""
        figures = self.figures()
        return [(name, figures[name], limit, figures[name] >= limit) for name, limit in TARGETS.items()]

    def timings(self) -> dict[str, dict[str, float]]:
        """Milliseconds per article for each timed stage: mean, median, 95th percentile, max."""
        out: dict[str, dict[str, float]] = {}
        for stage in dict.fromkeys(s for a in self.articles for s in a.ms):
            values = sorted(a.ms[stage] for a in self.articles if stage in a.ms)
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            out[stage] = {"mean": statistics.fmean(values), "p50": statistics.median(values), "p95": p95}
            out[stage]["max"] = values[-1]
        return out

    def commonest_errors(self) -> dict[str, list[tuple[str, int]]]:
        """The errors seen most often, by kind: what to fix first."""
        kinds = {
            "entities.missed": [m for a in self.articles for m in a.entities.total.missed],
            "entities.spurious": [s for a in self.articles for s in a.entities.total.spurious],
            "entities.confused": [c for a in self.articles for c in a.entities.confusions],
        }
        for kind in ("money", "percentages", "dates"):
            kinds[f"{kind}.missed"] = [m for a in self.articles for m in getattr(a, kind).missed]
            kinds[f"{kind}.spurious"] = [s for a in self.articles for s in getattr(a, kind).spurious]
        kinds["topics.confused"] = [
            f"{a.gold_topics[0]} -> {a.predicted_topics[0] if a.predicted_topics else '(none)'}"
            for a in self.articles
            if not a.topics.first
        ]
        return {kind: Counter(items).most_common(TOP_ERRORS) for kind, items in kinds.items()}

    def to_dict(self, details: bool = False) -> dict[str, Any]:
        """A JSON-ready summary; ``details`` adds every article's errors."""
        out: dict[str, Any] = {
            "name": self.name,
            "articles": len(self.articles),
            "rejected": [a.id for a in self.articles if a.rejected],
            "figures": {k: round(v, 4) for k, v in self.figures().items()},
            "targets": [
                {"figure": name, "value": round(value, 4), "target": limit, "passed": ok}
                for name, value, limit, ok in self.targets()
            ],
            "entity_types": {t: _counts(self.total(t)) for t in ENTITY_TYPES},
            "ms_per_article": {s: {k: round(v, 3) for k, v in t.items()} for s, t in self.timings().items()},
            "commonest_errors": self.commonest_errors(),
        }
        if details:
            out["per_article"] = [_article(a) for a in self.articles]
        return out


def _counts(match: Match) -> dict[str, float]:
    precision, recall = round(match.precision, 4), round(match.recall, 4)
    return {"gold": match.gold, "predicted": match.predicted, "precision": precision, "recall": recall}


def _article(score: ArticleScore) -> dict[str, Any]:
    fields = {"money": score.money, "percentages": score.percentages, "dates": score.dates}
    return {
        "id": score.id,
        "rejected": score.rejected,
        "topics": {"gold": list(score.gold_topics), "predicted": list(score.predicted_topics)},
        "entities": {
            "missed": list(score.entities.total.missed),
            "spurious": list(score.entities.total.spurious),
            "confused": list(score.entities.confusions),
        },
        **{k: {"missed": list(m.missed), "spurious": list(m.spurious)} for k, m in fields.items()},
        "ms": {k: round(v, 3) for k, v in score.ms.items()},
    }
