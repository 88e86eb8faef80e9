"""A multinomial logistic regression over sparse string features: trained by a script, shipped as JSON.

Names (enrich) and topics (classify) are both a choice among a few labels from a bag of features
('w=taliban', 'prev=minister'). Training is plain stochastic gradient descent with L2 shrinkage;
inference is one dictionary look-up per feature and a softmax, well under a millisecond an item.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: A feature name and its value (1.0 for presence; counts or scores otherwise).
Features = Mapping[str, float]


@dataclass(frozen=True)
class LinearModel:
    """Weights per feature per label, a bias per label, and what the model was trained on."""

    labels: tuple[str, ...]
    weights: dict[str, list[float]]
    bias: list[float]
    about: dict[str, object]

    def probabilities(self, features: Features) -> dict[str, float]:
        """P(label | features) for every label."""
        scores = self.bias
        weights = self.weights
        for name, value in features.items():
            row = weights.get(name)
            if row is not None:
                scores = [s + w * value for s, w in zip(scores, row, strict=True)]
        return dict(zip(self.labels, _softmax(list(scores)), strict=True))

    def best(self, features: Features) -> tuple[str, float]:
        """The likeliest label and its probability."""
        probs = self.probabilities(features)
        label = max(probs, key=probs.__getitem__)
        return label, probs[label]

    def save(self, path: Path) -> None:
        """Write the model as compact JSON (weights rounded: 4 decimals change no decision)."""
        data = {
            "about": self.about,
            "labels": list(self.labels),
            "bias": [round(b, 4) for b in self.bias],
            "weights": {f: [round(w, 4) for w in row] for f, row in sorted(self.weights.items())},
        }
        path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")

    @classmethod
    def loads(cls, text: str) -> LinearModel:
        """A model from the JSON ``save`` writes."""
        data = json.loads(text)
        return cls(tuple(data["labels"]), data["weights"], data["bias"], data["about"])


def train(
    samples: Sequence[tuple[Features, str]],
    labels: Sequence[str],
    *,
    epochs: int = 30,
    rate: float = 0.2,
    l2: float = 1e-4,
    min_count: int = 1,
    seed: int = 7,
) -> LinearModel:
    """Fit weights by SGD on the log loss; features seen fewer than ``min_count`` times are dropped."""
    counts: dict[str, int] = {}
    for features, _ in samples:
        for name in features:
            counts[name] = counts.get(name, 0) + 1
    kept = {name for name, n in counts.items() if n >= min_count}
    index = {label: i for i, label in enumerate(labels)}
    weights: dict[str, list[float]] = {name: [0.0] * len(labels) for name in kept}
    bias = [0.0] * len(labels)
    order = list(range(len(samples)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        step = rate / (1 + epoch * 0.1)
        for i in order:
            features, gold = samples[i]
            present = [(name, value) for name, value in features.items() if name in kept]
            scores = list(bias)
            for name, value in present:
                for j, w in enumerate(weights[name]):
                    scores[j] += w * value
            probs = _softmax(scores)
            for j in range(len(labels)):
                error = probs[j] - (1.0 if j == index[gold] else 0.0)
                bias[j] -= step * error
                for name, value in present:
                    row = weights[name]
                    row[j] -= step * (error * value + l2 * row[j])
    pruned = {name: row for name, row in weights.items() if any(abs(w) >= 1e-3 for w in row)}
    return LinearModel(tuple(labels), pruned, bias, {"samples": len(samples), "features": len(pruned)})


def accuracy(model: LinearModel, samples: Iterable[tuple[Features, str]]) -> float:
    """Share of samples whose likeliest label is the gold one."""
    pairs = list(samples)
    return sum(model.best(f)[0] == gold for f, gold in pairs) / max(1, len(pairs))


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
