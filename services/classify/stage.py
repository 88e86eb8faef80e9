"""The classify stage: ``article.cleaned`` in, ``article.classified`` out."""

from __future__ import annotations

from services.classify import VERSION
from services.classify.lexicon import lexicon
from services.classify.logic import classify
from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleClassifiedV2, ArticleCleanedV1
from services.common.stage import Result, Stage, StageContext


def process(event: Envelope, ctx: StageContext) -> Result:
    cleaned = read_as(event, ArticleCleanedV1)
    article = cleaned.article
    classified = ArticleClassifiedV2(article=article, topics=classify(article))
    return Result([ctx.derive(event, "article.classified", classified, subject=article.article_id)])


STAGE = Stage(
    name="classify", version=VERSION, accepts=frozenset({"article.cleaned"}), process=process, warm_up=lexicon
)
