"""The learned primary topic: a linear model over the lexicon's evidence and the article's words.

The lexicon (logic.py) weighs IPTC terms by where they stand. A multinomial logistic regression
(data/topic_model.json, trained by ``python -m services.evaluation.topictraining`` on the
development gold sets and data/topic_examples.tsv) reads that evidence per topic together with the
stemmed words of the headline and the first paragraphs, and picks the primary topic among the 17
IPTC top-level codes. The lexicon still orders the other topics and gives every topic's evidence.
"""

from __future__ import annotations

import functools
import math
from importlib import resources

from services.classify.lexicon import tokens
from services.common.events.facts import CleanArticle
from services.common.linear import Features, LinearModel

MODEL_FILE = "topic_model.json"
EXAMPLES_FILE = "topic_examples.tsv"
#: Paragraphs of the text whose words the model reads, after the title: the inverted pyramid.
PARAGRAPHS = 3


@functools.cache
def model() -> LinearModel:
    """The trained model, read once per process from the package's data."""
    text = resources.files("services.classify").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return LinearModel.loads(text)


def features(article: CleanArticle, amounts: dict[str, float]) -> Features:
    """Lexicon evidence per topic (log-scaled and as a share), its first topic, and the words."""
    total = sum(amounts.values()) or 1.0
    found: dict[str, float] = {"bias": 1.0}
    for code, amount in amounts.items():
        found[f"lex={code}"] = math.log1p(amount)
        found[f"share={code}"] = amount / total
    if amounts:
        found[f"top={max(amounts, key=amounts.__getitem__)}"] = 1.0
    for word in set(tokens(article.title)):
        found[f"title={word}"] = 1.0
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()][:PARAGRAPHS]
    for word in set(tokens(" ".join(paragraphs))):
        found[f"word={word}"] = 0.5
    return found


def primary(article: CleanArticle, amounts: dict[str, float]) -> tuple[str, float]:
    """The likeliest primary topic code and its probability."""
    return model().best(features(article, amounts))
