"""The clean stage: ``article.ingested`` in, ``article.cleaned`` out."""

from __future__ import annotations

from services.clean import VERSION
from services.clean.language import detect_language
from services.clean.logic import clean
from services.common.envelope import Envelope, read_as
from services.common.events.facts import ArticleCleanedV1
from services.common.events.intake import ArticleIngestedV1
from services.common.stage import Result, Stage, StageContext


def process(event: Envelope, ctx: StageContext) -> Result:
    ingested = read_as(event, ArticleIngestedV1)
    cleaned = ArticleCleanedV1(article=clean(ingested))
    return Result([ctx.derive(event, "article.cleaned", cleaned, subject=ingested.article_id)])


def warm_up() -> None:
    """Load the language model before the first article."""
    detect_language("warming up the language identifier")


STAGE = Stage(
    name="clean", version=VERSION, accepts=frozenset({"article.ingested"}), process=process, warm_up=warm_up
)
