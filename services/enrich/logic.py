"""The enrich stage's pure logic: entities, money, percentages, dates and tone of a clean article.

Headlines state facts too ('Nvidia Market Value Tops $2 Trillion'), so the title is searched as well
as the text. Offsets refer to article.text: an amount, percentage or date found only in the title
(not repeated in the text) is reported with offset 0, as a title-only entity gets first_offset 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.events.facts import CleanArticle, DateMention, EntityV2, Money, Percent, Tone
from services.enrich.dates import find_dates
from services.enrich.entities import find_entities
from services.enrich.gazetteer import gazetteer
from services.enrich.localcurrency import localise
from services.enrich.numbers import find_money, find_percentages, headline_money
from services.enrich.tone import entity_tones, find_tone, score


@dataclass(frozen=True)
class Enrichment:
    """What enrich adds to an article; offsets refer to article.text (0 for title-only mentions)."""

    entities: list[EntityV2]
    money: list[Money]
    percentages: list[Percent]
    dates: list[DateMention]
    tone: Tone
    entities_method: str


def warm_up() -> None:
    """Load the gazetteers and the sentiment lexicon now rather than on the first article."""
    gazetteer()
    find_tone("warm up")


def enrich(article: CleanArticle) -> Enrichment:
    """Extract the facts of one article; pure, apart from loading the gazetteers once."""
    money = find_money(article.text)
    percentages = find_percentages(article.text)
    dates = find_dates(article.text, article.published_at)
    in_text = {p.value for p in percentages}
    said = {d.text.casefold() for d in dates}
    english = _english(article)
    # The name model and the patterns read English capitalisation: other languages get no guesses.
    entities = find_entities(article.title, article.text) if english else []
    scored = score(article.text) if english else None
    tones = entity_tones(article.text, entities, scored) if scored else [None] * len(entities)
    return Enrichment(
        entities=[EntityV2(**e.model_dump(), tone=t) for e, t in zip(entities, tones, strict=True)],
        money=localise(money + headline_money(article.title, money), entities, article.text),
        percentages=percentages
        + [
            p.model_copy(update={"offset": 0})
            for p in find_percentages(article.title)
            if p.value not in in_text
        ],
        dates=dates
        + [
            d.model_copy(update={"offset": 0})
            for d in find_dates(article.title, article.published_at)
            if not any(d.text.casefold() in known or known in d.text.casefold() for known in said)
        ],
        tone=find_tone(article.text, scored) if scored else _unscored(article.language),
        entities_method=ENTITIES_METHOD if english else _unextracted(article.language),
    )


#: VADER's lexicon and the name model are English: text confidently in another language gets no tone
#: and no entities rather than wrong ones.
OTHER_LANGUAGE_CONFIDENCE = 0.5


def _english(article: CleanArticle) -> bool:
    return article.language in ("en", "und") or article.language_confidence < OTHER_LANGUAGE_CONFIDENCE


#: How the entities of English text are found (entities.py, names.py).
ENTITIES_METHOD = "gazetteer, patterns and a learned name model"


def _unextracted(language: str) -> str:
    return f"not extracted: English rules and name model, text is {language!r}"


def _unscored(language: str) -> Tone:
    return Tone(
        score=0.0,
        positive=0.0,
        negative=0.0,
        neutral=0.0,
        method=f"not scored: English lexicon, text is {language!r}",
    )
