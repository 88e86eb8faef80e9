"""``evaluate``: run the pipeline over a gold file and score every article."""

from __future__ import annotations

from pathlib import Path

from services.evaluation.gold import GoldItem, load_gold
from services.evaluation.metrics import score_amounts, score_dates, score_entities, score_topics
from services.evaluation.report import ArticleScore, EvalReport
from services.evaluation.runner import Prediction, predict, warm_up


def evaluate(path: Path) -> EvalReport:
    """Score the pipeline against the gold file at ``path``; ``GoldError`` if the file is bad."""
    items = load_gold(path)
    warm_up(items[0])
    return EvalReport(str(path), tuple(score_article(item, predict(item)) for item in items))


def score_article(item: GoldItem, prediction: Prediction) -> ArticleScore:
    """Compare one article's prediction with its gold labels."""
    return ArticleScore(
        id=item.id,
        gold_topics=tuple(item.topics),
        predicted_topics=tuple(prediction.topics),
        topics=score_topics(item.topics, prediction.topics),
        entities=score_entities(item.entities, prediction.entities),
        money=score_amounts([(m.value, m.currency) for m in item.money], prediction.money),
        percentages=score_amounts([(p.value, "") for p in item.percentages], prediction.percentages),
        dates=score_dates([d.text for d in item.dates], prediction.dates),
        ms=prediction.ms,
        rejected=prediction.rejected,
    )
