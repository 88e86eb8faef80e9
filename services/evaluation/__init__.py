"""Measured quality: run the pipeline over hand-labelled articles and score what it extracts.

``evaluate(path)`` scores one gold file (format in ``eval/README.md``); ``python -m
services.evaluation`` prints the figures against the targets.
"""

from services.evaluation.gold import GoldError, GoldItem, load_gold
from services.evaluation.harness import evaluate, score_article
from services.evaluation.report import TARGETS, ArticleScore, EvalReport

__all__ = [
    "TARGETS",
    "ArticleScore",
    "EvalReport",
    "GoldError",
    "GoldItem",
    "evaluate",
    "load_gold",
    "score_article",
]
