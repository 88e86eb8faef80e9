"""The enrich stage: ``article.classified`` in, ``article.enriched`` out."""

from __future__ import annotations

from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleClassifiedV2, ArticleEnrichedV3, Topic, TopicV2
from services.common.stage import Result, Stage, StageContext
from services.enrich import VERSION
from services.enrich.logic import enrich, warm_up


def process(event: Envelope, ctx: StageContext) -> Result:
    classified = read_as(event, ArticleClassifiedV2)
    article = classified.article
    facts = enrich(article)
    enriched = ArticleEnrichedV3(
        article=article,
        topics=[_v1_topic(topic) for topic in classified.topics],
        entities=facts.entities,
        money=facts.money,
        percentages=facts.percentages,
        dates=facts.dates,
        tone=facts.tone,
        entities_method=facts.entities_method,
    )
    return Result([ctx.derive(event, "article.enriched", enriched, subject=article.article_id)])


def _v1_topic(topic: TopicV2) -> Topic:
    """article.enriched carries topics without evidence: that stays in article.classified."""
    return Topic(code=topic.code, label=topic.label, score=topic.score)


STAGE = Stage(
    name="enrich",
    version=VERSION,
    accepts=frozenset({"article.classified"}),
    process=process,
    warm_up=warm_up,
)
