"""Named entities: gazetteer matches, pattern-recognised names and surname back-references, per id.

The title and the text are both searched and every mention counts, but offsets refer to the text:
an entity named only in the title gets first_offset 0. The pattern recogniser runs on the text
only, because headlines are in title case and every word looks like a name there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.common.events.facts import Entity
from services.enrich import recognizer
from services.enrich import vocabulary as v
from services.enrich.gazetteer import Gazetteer, Known, gazetteer, slug

_COMPANY_TAIL = re.compile(rf"[ \t]+(?:{v.COMPANY_SUFFIXES})(?![\w])")
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"\u201d\u2019')\]]*\s+|\n\s*)[\"\u201c\u2018'(\[]*$")
_PREFIX = {"person": "person", "organization": "org"}


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    surface: str
    known: Known
    in_text: bool
    rank: int  # which finder wins a tie: 0 gazetteer, 1 pattern, 2 back-reference


def _sentence_initial(segment: str, start: int) -> bool:
    return _SENTENCE_START.search(segment, max(0, start - 8), start) is not None


def _known_mentions(gaz: Gazetteer, segment: str, in_text: bool) -> list[_Mention]:
    found = []
    for match in gaz.pattern.finditer(segment):
        alias, start, end = match.group(), match.start(), match.end()
        if alias in gaz.sentence_initial_ignored and _sentence_initial(segment, start):
            continue
        known = gaz.aliases[alias]
        tail = _COMPANY_TAIL.match(segment, end) if known.type == "organization" else None
        end = tail.end() if tail else end
        found.append(_Mention(start, end, segment[start:end], known, in_text, 0))
    return found


def _resolve(gaz: Gazetteer, candidate: recognizer.Candidate) -> Known:
    """A recognised name is a known entity when its name, less a company suffix, is an alias."""
    surface = candidate.surface.replace("\u2019", "'")
    core = re.sub(rf"[ \t]+(?:{v.COMPANY_SUFFIXES})$", "", surface)
    for alias in (candidate.surface, surface, core):
        known = gaz.aliases.get(alias)
        if known and (known.type == "person") == (candidate.type == "person"):
            return known
    return Known(f"{_PREFIX[candidate.type]}:{slug(surface)}", surface, candidate.type)


def _pattern_mentions(gaz: Gazetteer, text: str, known: list[_Mention]) -> list[_Mention]:
    masked = list(text)
    for mention in known:
        if mention.known.type != "place":
            masked[mention.start : mention.end] = "\0" * (mention.end - mention.start)
    places = [m for m in known if m.known.type == "place"]
    found = []
    for candidate in recognizer.candidates("".join(masked)):
        if candidate.type == "person" and any(_clashes(candidate, place) for place in places):
            continue
        resolved = _resolve(gaz, candidate)
        found.append(_Mention(candidate.start, candidate.end, candidate.surface, resolved, True, 1))
    return found


def _clashes(person: recognizer.Candidate, place: _Mention) -> bool:
    """A person may contain a city's name ('Tim Gilbert') but may not start with one or hold a country."""
    if place.start == person.start:
        return True
    city = place.known.id.startswith("place:geonames:")
    return not city and place.start < person.end and person.start < place.end


def _select(mentions: Iterable[_Mention], taken: dict[bool, bytearray]) -> list[_Mention]:
    """Keep the longest of overlapping mentions; on equal length the gazetteer wins."""
    chosen = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.rank, m.start)):
        occupied = taken[mention.in_text]
        if not any(occupied[mention.start : mention.end]):
            occupied[mention.start : mention.end] = b"\1" * (mention.end - mention.start)
            chosen.append(mention)
    return chosen


def _short_forms(gaz: Gazetteer, person: Known) -> tuple[str, ...]:
    if person.id in gaz.short_forms:
        return gaz.short_forms[person.id]
    words = person.name.split()
    return (words[0],) if len(words) == 2 and words[0] in v.FAMILY_NAME_FIRST else (words[-1],)


def _back_references(gaz: Gazetteer, segments: dict[bool, str], chosen: list[_Mention]) -> list[_Mention]:
    """'Musk' after 'Elon Musk' is the same person; a surname two people share is left alone."""
    owners: dict[str, Known | None] = {}
    for mention in chosen:
        if mention.known.type == "person" and " " in mention.known.name:
            for form in _short_forms(gaz, mention.known):
                owners[form] = mention.known if owners.get(form, mention.known) == mention.known else None
    forms = sorted((form for form, owner in owners.items() if owner), key=len, reverse=True)
    if not forms:
        return []
    pattern = re.compile(r"(?<![\w@#])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w])")
    return [
        _Mention(m.start(), m.end(), m.group(), owner, in_text, 2)
        for in_text, segment in segments.items()
        for m in pattern.finditer(segment)
        if (owner := owners[m.group()])
    ]


def _aggregate(mentions: list[_Mention]) -> list[Entity]:
    by_id: dict[str, list[_Mention]] = {}
    for mention in sorted(mentions, key=lambda m: (m.in_text, m.start)):  # title first, then text
        by_id.setdefault(mention.known.id, []).append(mention)
    entities = []
    for group in by_id.values():
        offsets = [m.start for m in group if m.in_text]
        entities.append(
            Entity(
                id=group[0].known.id,
                name=group[0].known.name,
                type=group[0].known.type,
                mentions=len(group),
                surface_forms=list(dict.fromkeys(m.surface for m in group)),
                first_offset=offsets[0] if offsets else 0,
            )
        )
    in_text = {m.known.id for m in mentions if m.in_text}
    return sorted(entities, key=lambda e: (e.id not in in_text, e.first_offset))


def find_entities(title: str, text: str) -> list[Entity]:
    """Entities of an article in order of first mention in the text; title-only ones last."""
    gaz = gazetteer()
    segments = {False: title, True: text}
    taken = {in_text: bytearray(len(segment)) for in_text, segment in segments.items()}
    known = _known_mentions(gaz, title, False) + _known_mentions(gaz, text, True)
    chosen = _select(known + _pattern_mentions(gaz, text, known), taken)
    chosen += _select(_back_references(gaz, segments, chosen), taken)
    return _aggregate(chosen)
