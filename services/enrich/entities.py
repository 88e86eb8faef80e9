"""Named entities: gazetteer matches, pattern-recognised names, learned names and back-references, per id.

The title and the text are both searched and every mention counts, but offsets refer to the text:
an entity named only in the title gets first_offset 0. The pattern recogniser runs on the text
only, because headlines are in title case and every word looks like a name there.
"""

from __future__ import annotations

import functools
import re

from services.common.events.facts import Entity
from services.enrich import context, localities, longnames, names, recognizer, spans
from services.enrich import vocabulary as v
from services.enrich.gazetteer import Gazetteer, Known, gazetteer, slug
from services.enrich.mention import Mention
from services.enrich.tokens import Candidate

_COMPANY_TAIL = re.compile(rf"(?:[ \t]+(?:{v.COMPANY_SUFFIXES})(?![\w]))+")  # 'Co Ltd' too
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"\u201d\u2019')\]]*\s+|\n\s*)[\"\u201c\u2018'(\[]*$")
_PREFIX = {
    "person": "person",
    "organization": "org",
    "place": "place",
    "product": "product",
    "group": "group",
}


# A wire dateline opening the text: 'NEW DELHI, May 2 (Reuters) -', 'WASHINGTON (AP) —',
# 'BENGALURU, India, Jan 5 (Reuters) -', 'MUMBAI: ' (Indian papers). The city is in capitals,
# which no alias matches.
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z.'\u2019 /-]*[A-Z.])(?:,[ \t]+[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?)?"
    r"(?:,?[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?[ \t]*(?:\([A-Za-z .]{2,40}\))?"
    r"[ \t]*(?:[-\u2013\u2014]|:[ \t])",
    re.MULTILINE,
)
_LOWER_PARTICLES = frozenset(
    {"de", "del", "la", "le", "du", "da", "do", "dos", "au", "es", "el", "upon", "on"}
)


def _dateline(gaz: Gazetteer, text: str) -> list[Mention]:
    """The places of a dateline at the start of the text ('DUBAI/WASHINGTON, ...'), if known."""
    match = _DATELINE.match(text)
    if match is None:
        return []
    found = []
    for part in re.finditer(r"[^/]+", match["place"]):
        words = re.split(r"([ -])", part.group().strip().lower())
        name = "".join(w if w in _LOWER_PARTICLES or w in " -" else w[:1].upper() + w[1:] for w in words)
        known = gaz.aliases.get(name) or localities.town(name)
        if known is not None and known.type == "place":
            start = match.start("place") + part.start()
            found.append(Mention(start, start + len(part.group()), part.group(), known, True, 0))
    return found


def _sentence_initial(segment: str, start: int) -> bool:
    return _SENTENCE_START.search(segment, max(0, start - 8), start) is not None


def _known_mentions(gaz: Gazetteer, segment: str, in_text: bool) -> list[Mention]:
    found = []
    for match in gaz.pattern.finditer(segment):
        alias, start, end = match.group(), match.start(), match.end()
        if alias in gaz.sentence_initial_ignored and _sentence_initial(segment, start):
            continue
        known = gaz.aliases[alias]
        tail = _COMPANY_TAIL.match(segment, end) if known.type == "organization" else None
        end = tail.end() if tail else end
        found.append(Mention(start, end, segment[start:end], known, in_text, 0))
    return found


def _resolve(gaz: Gazetteer, candidate: Candidate) -> Known:
    """A recognised name is a known entity when its name, less a company suffix, is an alias."""
    surface = candidate.surface.replace("\u2019", "'")
    core = re.sub(rf"[ \t]+(?:{v.COMPANY_SUFFIXES})$", "", surface)
    for alias in (candidate.surface, surface, core):
        known = gaz.aliases.get(alias)
        if known and (known.type == "person") == (candidate.type == "person"):
            return known
    return Known(f"{_PREFIX[candidate.type]}:{slug(surface)}", surface, candidate.type)


def _pattern_mentions(gaz: Gazetteer, text: str, known: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """Recognised names, and weak person candidates kept only when listed with a person."""
    prose = recognizer.prose(text)
    masked = list(prose)
    for mention in known:
        if mention.in_text and mention.known.type != "place":
            masked[mention.start : mention.end] = "\0" * (mention.end - mention.start)
    places = [m for m in known if m.in_text and m.known.type == "place"]
    found: list[Mention] = []
    weak: list[Mention] = []
    given = recognizer.given_names()
    for candidate in [*recognizer.candidates("".join(masked)), *longnames.candidates(prose)]:
        if candidate.type == "organization" and _joins_known(gaz, candidate.surface):
            continue  # 'BP and Kosmos Energy' are two companies, not one
        # 'Jordan Bardella' starts with a country, but his given name says he is a person.
        named = not candidate.weak and candidate.surface.split()[0] in given
        if candidate.type == "person" and not named and any(_clashes(candidate, p) for p in places):
            continue
        resolved = _resolve(gaz, candidate)
        mention = Mention(candidate.start, candidate.end, candidate.surface, resolved, True, 1)
        (weak if candidate.weak else found).append(mention)
    regions = _regions()
    for candidate, known_place in localities.candidates(prose, regions):
        found.append(Mention(candidate.start, candidate.end, candidate.surface, known_place, True, 1))
    return found, weak


def _joins_known(gaz: Gazetteer, surface: str) -> bool:
    """A name of the form 'X and Y' where X or Y alone is a known entity."""
    parts = re.split(r" (?:and|&) ", surface)
    return len(parts) > 1 and any(
        re.sub(rf"[ \t]+(?:{v.COMPANY_SUFFIXES})$", "", part) in gaz.aliases for part in parts
    )


@functools.cache
def _regions() -> frozenset[str]:
    """Names of countries and states, as written after a town ('Burlington, Vermont')."""
    gaz = gazetteer()
    return frozenset(
        alias for alias, known in gaz.aliases.items() if re.fullmatch(r"place:[A-Z]{2}(?:-\w+)?", known.id)
    )


def _title_prefixes(in_title: list[Mention], in_text: list[Mention]) -> list[Mention]:
    """A title's 'Amazon' that the text only writes as 'Amazon rainforest' is that rainforest."""
    said = {m.surface for m in in_text}
    longer = {
        m.surface.split(" ", 1)[0]: m.known
        for m in sorted(in_text, key=lambda m: -m.start)
        if " " in m.surface
    }
    return [
        Mention(m.start, m.end, m.surface, longer[m.surface], False, m.rank)
        if m.surface not in said and m.surface in longer and longer[m.surface].type != m.known.type
        else m
        for m in in_title
    ]


def _in_title(title: str, found: list[Mention]) -> list[Mention]:
    """Names recognised in the text count in the title too, where capitals say nothing."""
    forms = {m.surface: m.known for m in found if " " in m.surface}
    if not forms or not title:
        return []
    pattern = re.compile(
        r"(?<![\w])(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?![\w])"
    )
    return [
        Mention(m.start(), m.end(), m.group(), forms[m.group()], False, 1) for m in pattern.finditer(title)
    ]


def _clashes(person: Candidate, place: Mention) -> bool:
    """A person may contain a city's name ('Tim Gilbert') but may not start with one or hold a country."""
    if place.start == person.start:
        return True
    city = place.known.id.startswith("place:geonames:")
    return not city and place.start < person.end and person.start < place.end


def _short_forms(gaz: Gazetteer, person: Known) -> tuple[str, ...]:
    if person.id in gaz.short_forms:
        return gaz.short_forms[person.id]
    words = person.name.split()
    return (words[0],) if len(words) == 2 and words[0] in v.FAMILY_NAME_FIRST else (words[-1],)


def _back_references(gaz: Gazetteer, segments: dict[bool, str], chosen: list[Mention]) -> list[Mention]:
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
        Mention(m.start(), m.end(), m.group(), owner, in_text, 2)
        for in_text, segment in segments.items()
        for m in pattern.finditer(segment)
        if (owner := owners[m.group()])
    ]


def _refined(segments: dict[bool, str], mentions: list[Mention], aliases: dict[str, Known]) -> list[Mention]:
    """Drop names inside unannotated names and quoted titles; lengthen models and sub-bodies."""
    return [
        context.models(segments[m.in_text], m) or context.extended(segments[m.in_text], m, aliases) or m
        for m in mentions
        if not context.inside_unannotated(segments[m.in_text], m)
        and not context.quoted_title(segments[m.in_text], m)
    ]


def _learned(gaz: Gazetteer, text: str, taken: bytearray) -> list[Mention]:
    """Mentions of the names the rules left, typed by the learned model (names.py)."""
    found = list(names.candidates(text, taken))
    types = names.typed(text, found)
    by_surface: dict[str, list[names.Candidate]] = {}
    for candidate in found:
        by_surface.setdefault(candidate.surface, []).append(candidate)
    mentions = []
    for candidate in found:
        label, probability = types[candidate.surface]
        kind = names.ENTITY_TYPES.get(label)
        if kind is None or probability < names.threshold(candidate.surface, by_surface[candidate.surface]):
            continue
        if candidate.surface in gaz.bound:
            continue  # a country's own body the rules placed elsewhere ('Thailand's Senate')
        known = Known(f"{_PREFIX[kind]}:{slug(candidate.surface)}", candidate.surface, kind)
        mention = Mention(candidate.start, candidate.end, candidate.surface, known, True, 3)
        if not _unannotated(text, mention):
            mentions.append(mention)
    return mentions


def _unannotated(text: str, mention: Mention) -> bool:
    """The name, or its opening words, start a name that is not annotated ('Nasdaq Composite')."""
    if context.quoted_title(text, mention) or context.in_quoted_title(text, mention):
        return True
    ends = [mention.start + m.end() for m in re.finditer(r"\S+", mention.surface)]
    as_org = Known(mention.known.id, mention.known.name, "organization")
    return any(
        context.inside_unannotated(text, Mention(mention.start, end, mention.surface, as_org, True, 3))
        for end in ends
    )


def rule_mentions(title: str, text: str) -> tuple[list[Mention], dict[bool, bytearray]]:
    """What the gazetteer and patterns find, and the bytes of title and text they claim."""
    gaz = gazetteer()
    segments = {False: title, True: text}
    taken = {in_text: bytearray(len(segment)) for in_text, segment in segments.items()}
    in_text = _refined(segments, _known_mentions(gaz, text, True) + _dateline(gaz, text), gaz.aliases)
    said = {m.surface for m in in_text}
    # Title case says nothing: an ambiguous alias ('Snap', 'Shell') counts there only if the text uses it.
    in_title = [
        m
        for m in _refined(segments, _known_mentions(gaz, title, False), gaz.aliases)
        if m.surface not in gaz.sentence_initial_ignored or m.surface in said
    ]
    found, weak = _pattern_mentions(gaz, text, in_title + in_text)
    found = [m for m in found if not context.in_quoted_title(text, m)]
    in_title = _title_prefixes(in_title, in_text + found) + _in_title(title, found)
    chosen = spans.select(context.located(in_title + in_text + found, gaz.bound), taken)
    chosen += spans.select(_back_references(gaz, segments, chosen), taken)
    chosen += spans.listed(text, weak, chosen, taken[True])
    return chosen, taken


def find_entities(title: str, text: str) -> list[Entity]:
    """Entities of an article in order of first mention in the text; title-only ones last."""
    gaz = gazetteer()
    segments = {False: title, True: text}
    chosen, taken = rule_mentions(title, text)
    learned = spans.select(_learned(gaz, text, taken[True]), taken)
    chosen += learned + spans.select(_back_references(gaz, segments, learned), taken)
    return spans.aggregate(chosen)
