"""The enrich stage: ``article.classified`` in, ``article.enriched`` out."""

from __future__ import annotations

from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleClassifiedV1, ArticleEnrichedV1
from services.common.stage import Result, Stage, StageContext
from services.enrich import VERSION
from services.enrich.logic import enrich, warm_up


def process(event: Envelope, ctx: StageContext) -> Result:
    classified = read_as(event, ArticleClassifiedV1)
    article = classified.article
    facts = enrich(article)
    enriched = ArticleEnrichedV1(
        article=article,
        topics=classified.topics,
        entities=facts.entities,
        money=facts.money,
        percentages=facts.percentages,
        dates=facts.dates,
        tone=facts.tone,
    )
    return Result([ctx.derive(event, "article.enriched", enriched, subject=article.article_id)])


STAGE = Stage(
    name="enrich",
    version=VERSION,
    accepts=frozenset({"article.classified"}),
    process=process,
    warm_up=warm_up,
)
