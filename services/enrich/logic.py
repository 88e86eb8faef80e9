"""The enrich stage's pure logic: entities, money, percentages, dates and tone of a clean article."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.events.facts import CleanArticle, DateMention, Entity, Money, Percent, Tone
from services.enrich.dates import find_dates
from services.enrich.entities import find_entities
from services.enrich.gazetteer import gazetteer
from services.enrich.numbers import find_money, find_percentages
from services.enrich.tone import find_tone


@dataclass(frozen=True)
class Enrichment:
    """What enrich adds to an article; offsets refer to article.text."""

    entities: list[Entity]
    money: list[Money]
    percentages: list[Percent]
    dates: list[DateMention]
    tone: Tone


def warm_up() -> None:
    """Load the gazetteers and the sentiment lexicon now rather than on the first article."""
    gazetteer()
    find_tone("warm up")


def enrich(article: CleanArticle) -> Enrichment:
    """Extract the facts of one article; pure, apart from loading the gazetteers once."""
    return Enrichment(
        entities=find_entities(article.title, article.text),
        money=find_money(article.text),
        percentages=find_percentages(article.text),
        dates=find_dates(article.text, article.published_at),
        tone=find_tone(article.text),
    )
