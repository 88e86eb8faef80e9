"""A bare '$' in a story about Singapore is Singapore dollars.

Local English-language press writes its own dollar as '$' ('The Straits Times': '$1.2 billion'). So
a bare '$' (and bare 'cents') is read as the local dollar when the story is about a country whose
currency is a dollar, except where wire copy converts a marked amount in brackets: in
'S$1.2 billion ($900 million)' the bare '$' is the US dollar.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from services.common.events.facts import Entity, Money
from services.enrich.gazetteer import geonames_cities

#: Countries whose own press writes their currency as a bare '$'.
LOCAL_DOLLARS = {"SG": "SGD", "HK": "HKD", "CA": "CAD", "AU": "AUD", "NZ": "NZD"}
# 'S$1.2 billion ($900 million)': a bracketed bare amount right after a marked one converts it.
_CONVERSION = re.compile(r"(?<![A-Za-z])(?:S|HK|C|CA|A|AU|NZ|NT)\$[\d.,]+(?:\s?[A-Za-z]+)?\s\($")
_BARE = re.compile(r"^\$|^[\d.,]+(?:\s\w+)?\scents$")
#: Mentions of one country a story needs before its bare '$' is read as that country's.
MIN_MENTIONS = 2
#: A place named this close to the start of the text is the dateline's.
DATELINE_CHARS = 40


@functools.cache
def _city_countries() -> dict[str, str]:
    """GeoNames city id -> ISO country code."""
    return {str(city["geonameid"]): str(city["countrycode"]) for city in geonames_cities().values()}


def _country(entity_id: str) -> str | None:
    """ISO country of a place id: 'place:SG', 'place:CA-ON', 'place:geonames:1880252'."""
    code = entity_id.removeprefix("place:")
    if code.startswith("geonames:"):
        return _city_countries().get(code.removeprefix("geonames:"))
    head = code.split("-", 1)[0]
    return head if re.fullmatch(r"[A-Z]{2}", head) else None


def story_country(entities: list[Entity]) -> str | None:
    """The country the story's places name most, if clearly ahead of the others."""
    counts: Counter[str] = Counter()
    for entity in entities:
        if entity.type == "place" and (country := _country(entity.id)):
            # A dateline ('SYDNEY (AAP) -') says where the story is: it counts twice.
            counts[country] += entity.mentions + (1 if entity.first_offset < DATELINE_CHARS else 0)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < MIN_MENTIONS or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def localise(money: list[Money], entities: list[Entity], text: str) -> list[Money]:
    """Bare '$' and 'cents' amounts of the text in the local dollar of a dollar country's story.

    Amounts found only in the title (offset 0 and absent from the text) follow the text's reading.
    """
    local = LOCAL_DOLLARS.get(story_country(entities) or "")
    if local is None:
        return money
    return [
        m.model_copy(update={"currency": local})
        if m.currency == "USD" and _BARE.search(m.text) and not _converted(text, m)
        else m
        for m in money
    ]


def _converted(text: str, money: Money) -> bool:
    at = money.offset if text.startswith(money.text, money.offset) else -1
    return at > 0 and _CONVERSION.search(text, max(0, at - 40), at) is not None
