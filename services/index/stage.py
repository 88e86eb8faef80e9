"""The index stage: ``article.enriched`` in, ``article.indexed`` out."""

from __future__ import annotations

from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleEnrichedV2, ArticleIndexedV2
from services.common.stage import Result, Stage, StageContext
from services.index import VERSION
from services.index.keyphrases import stopwords
from services.index.logic import build_document


def process(event: Envelope, ctx: StageContext) -> Result:
    enriched = read_as(event, ArticleEnrichedV2)
    indexed = ArticleIndexedV2(document=build_document(enriched))
    return Result([ctx.derive(event, "article.indexed", indexed, subject=enriched.article.article_id)])


STAGE = Stage(
    name="index", version=VERSION, accepts=frozenset({"article.enriched"}), process=process, warm_up=stopwords
)
