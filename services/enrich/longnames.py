"""Long official names found by their head word, kept whole rather than split into pieces.

'Bureau of Alcohol, Tobacco, Firearms and Explosives', 'Institute for the Study of War' and
'Australian Securities and Investments Commission' are organisations; 'Gulf of Mexico',
'French Broad River' and 'Allegiant Stadium' are places. These run on the unmasked text, so a
known name inside ('Narendra Modi Stadium', 'Capital One Arena') becomes part of the longer one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from services.enrich import vocabulary as v
from services.enrich.tokens import GAP, NAME_WORD, WORD, Candidate, Kind

_W = NAME_WORD
_WORDS = rf"{_W}(?:{GAP}{_W})*"
_CONNECT = rf"(?:of|for|on){GAP}(?:the{GAP})?"
# 'Alcohol, Tobacco, Firearms and Explosives': a list counts only when 'and' closes it.
_LIST = rf"(?:,{GAP}{_WORDS})*,?{GAP}(?:and|&){GAP}{_WORDS}"
_SUFFIXES = "|".join(re.escape(word) for word in sorted(v.ORG_SUFFIXES, key=len, reverse=True))
_TO_SUFFIX = rf"(?:{_W}{GAP}){{0,2}}(?:{_SUFFIXES})(?![\w])"


@dataclass(frozen=True)
class _Rule:
    """A name found from an anchor that re finds fast: up to a few words before it, a tail after.

    Patterns that open with 'any capitalised word' make re try every position; a literal anchor
    ('Agency of', ' and ', 'River') keeps matching within the time budget.
    """

    anchor: re.Pattern[str]
    before: re.Pattern[str]  # searched in a window ending at the anchor, anchored with $
    after: re.Pattern[str]  # matched where the tail starts
    tail_at_anchor_start: bool
    kind: Kind

    def spans(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, anchor start) of every match."""
        for anchor in self.anchor.finditer(text):
            lead = self.before.search(text, max(0, anchor.start() - _WINDOW), anchor.start())
            tail = self.after.match(text, anchor.start() if self.tail_at_anchor_start else anchor.end())
            if lead and tail:
                yield lead.start(), tail.end(), anchor.start()


_WINDOW = 120
# 'Institute for the Study of War', 'Bureau of Alcohol, Tobacco, Firearms and Explosives'.
_ORG_OF = _Rule(
    re.compile(rf"(?:{v.ORG_HEADS}){GAP}(?:of|for|on){GAP}"),
    re.compile(rf"(?<![\w.])(?:{_W}{GAP}){{0,4}}$"),
    re.compile(
        rf"(?:{v.ORG_HEADS}){GAP}{_CONNECT}{_WORDS}(?:{_LIST})?(?:{GAP}{_CONNECT}{_WORDS}(?:{_LIST})?){{0,2}}"
    ),
    True,
    "organization",
)
# 'Australian Securities and Investments Commission', 'Food and Drug Administration'.
_ORG_AND = _Rule(
    re.compile(rf"{GAP}(?:and|&){GAP}"),
    re.compile(rf"(?<![\w.])(?:{_W}{GAP}){{0,2}}{_W}$"),
    re.compile(_TO_SUFFIX),
    False,
    "organization",
)
# 'Boston Children's Hospital', 'European People's Party': a possessive inside a suffixed name.
_ORG_POSSESSIVE = _Rule(
    re.compile(rf"['\u2019]s{GAP}"),
    re.compile(rf"(?<![\w.])(?:{_W}{GAP}){{0,2}}{WORD}$"),
    re.compile(_TO_SUFFIX),
    False,
    "organization",
)
# 'French Broad River', 'Allegiant Stadium', 'Noto Peninsula'.
_PLACE_SUFFIXED = _Rule(
    re.compile(rf"(?:{v.PLACE_FEATURES})(?![\w'\u2019-])"),
    re.compile(rf"(?<![\w.])(?:{_W}{GAP}(?:(?:de|del|la|of|the){GAP})?){{1,3}}$"),
    re.compile(rf"(?:{v.PLACE_FEATURES})"),
    True,
    "place",
)
# 'Vertex Pharmaceuticals and CRISPR Therapeutics' are two companies; 'Securities and Exchange' one.
_SHARED_SUFFIX = frozenset({"Securities", "Exchange", "Investments", "Energy", "Trade", "Industry"})
_PLACE_HEADED = re.compile(
    rf"(?<![\w.])(?:{v.PLACE_HEADS}){GAP}(?:(?:of|de|du|des|del|di|da)(?:{GAP}(?:la|le|the))?{GAP})?"
    rf"{_W}(?:{GAP}{_W})?"
)
_PIECE = re.compile(rf"{_W}|[^\s,]+")
_LIST_TAIL = re.compile(rf",?{GAP}(?:and|&){GAP}(?P<tail>{_WORDS})$")
_HEAD = re.compile(rf"(?:{v.ORG_HEADS})")
_TITLE_OR_STOP = v.TITLE_TOKENS - v.DEPARTMENTS | v.STOP_TOKENS
_POSSESSIVE = ("'s", "\u2019s")
# After the head a title or a date ends the name: 'Senate on Tuesday', 'Bank of Japan Governor'.
_ENDS_AFTER_HEAD = v.TITLE_TOKENS - v.DEPARTMENTS | v.CALENDAR_TOKENS


def _trim(text: str, start: int, end: int, kind: Kind, head: int | None = None) -> Candidate | None:
    """Drop leading sentence starters and demonyms, and cut before a title after the head."""
    pieces = [(start + m.start(), start + m.end(), m.group()) for m in _PIECE.finditer(text[start:end])]
    while pieces and (pieces[0][2] in _TITLE_OR_STOP or pieces[0][2].endswith(_POSSESSIVE)):
        pieces.pop(0)  # 'The ...', and the owner in "Tokyo's Haneda Airport"
    head = head if head is not None else start
    cut = next((i for i, p in enumerate(pieces) if p[0] > head and p[2] in _ENDS_AFTER_HEAD), None)
    pieces = pieces[:cut]
    while pieces and pieces[-1][2] in ("of", "for", "on", "the", "and", "&", ","):
        pieces.pop()
    if len(pieces) < 2:
        return None
    first, last = pieces[0][0], pieces[-1][1]
    if pieces[-1][2].endswith(_POSSESSIVE):
        last -= 2
    return Candidate(first, last, text[first:last], kind)


def _organizations_of(text: str) -> Iterator[Candidate]:
    for start, end, head in _ORG_OF.spans(text):
        listed = _LIST_TAIL.search(text, head, end)
        if listed and _HEAD.search(listed["tail"]):  # 'University of Tokyo and Kyoto University'
            end = listed.start()
        found = _trim(text, start, end, "organization", head)
        if found:
            yield found


def candidates(text: str) -> Iterator[Candidate]:
    """Organisations and places whose head or last word says what they are."""
    yield from _organizations_of(text)
    for start, end, _ in _ORG_AND.spans(text):
        found = _trim(text, start, end, "organization")
        left = re.split(r" (?:and|&) ", found.surface)[0].split()[-1] if found else ""
        owner = re.search(r"(\w+)['\u2019]s ", found.surface) if found else None
        if owner and owner[1] not in v.POSSESSIVE_NOUNS:
            continue  # "... Space Studies and Italy's National Institute": two names, an owner between
        if found and left not in v.ORG_SUFFIXES - _SHARED_SUFFIX and re.search(r" (?:and|&) ", found.surface):
            yield found
    for start, end, _ in _ORG_POSSESSIVE.spans(text):
        found = _trim(text, start, end, "organization")
        owner = re.search(r"(\w+)['\u2019]s ", found.surface) if found else None
        if found and owner and owner[1] in v.POSSESSIVE_NOUNS:
            yield found
    for start, end, _ in _PLACE_SUFFIXED.spans(text):
        found = _trim(text, start, end, "place")
        if found:
            yield found
    for match in _PLACE_HEADED.finditer(text):
        found = _trim(text, match.start(), match.end(), "place")
        if found:
            yield found
