"""Names no gazetteer knows: people from context ('director, Zang Ziyuan'), organisations by suffix.

Precision first: a capitalised run becomes a person only with evidence (a title, a verb of speech,
an appositive, a known given name), and an organisation only when it ends in a word like 'Corp.'
or 'Ministry'. A name-like run without evidence is a weak candidate: a person only when listed
next to another person. Long names with a head word ('Gulf of Mexico') are in longnames.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from services.enrich import vocabulary as v
from services.enrich.tokens import ACRONYM, GAP, PARTICLE, TOKEN, WORD, Candidate, Kind

_RUN = re.compile(rf"(?<![\w.]){TOKEN}(?:{GAP}(?:{PARTICLE}{GAP}){{0,2}}{TOKEN})*")
_PIECE = re.compile(rf"{TOKEN}|{PARTICLE}")
_BEFORE_PERSON = re.compile(rf"\b(?:{v.TITLE_WORDS}|{v.OCCUPATION_BEFORE})\s*,?\s*$", re.IGNORECASE)
_AFTER_PERSON = re.compile(
    rf"^(?:,?\s+(?:{v.SPEECH_VERBS})\b|,\s+(?:who|whose)\b|,\s+\d{{1,3}},"
    rf"|,\s+(?:(?:the|a|an|its|his|her|their)\s+)?(?:[\w\u2019'.&-]+\s+){{0,4}}?(?:{v.TITLE_WORDS})\b)"
)
# 'analysts at Jefferies said': people work at organisations, they are not the name after 'at'.
_AT_ORGANIZATION = re.compile(
    r"\b(?:analysts|economists|researchers|scientists|strategists|experts|officials|engineers|"
    r"executives|forecasters|staff|workers|employees|doctors|lawyers|traders|meteorologists)"
    r"\s+(?:at|from|with)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_COMPOUND_TAILS = ("based", "backed", "owned", "led", "made", "born", "style", "like", "funded", "listed")
_NOT_IN_NAMES = (
    v.NON_NAME_TOKENS
    | v.ORG_SUFFIXES
    | v.DEMONYMS
    | frozenset(f"{v.PLACE_FEATURES}|{v.PLACE_HEADS}".split("|"))
    | {"&"}
)
_TITLES_ONLY = v.TITLE_TOKENS - v.DEPARTMENTS


@functools.cache
def given_names() -> frozenset[str]:
    """First names that make a capitalised run a person ('Cole Palmer'), from data/given_names.txt."""
    text = resources.files("services.enrich").joinpath("data", "given_names.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    text: str


def _breaks(piece: _Piece) -> bool:
    return piece.text in v.STOP_TOKENS or piece.text.rsplit("-", 1)[-1] in _COMPOUND_TAILS


def _span(text: str, pieces: list[_Piece], kind: Kind, weak: bool = False) -> Candidate:
    start, end = pieces[0].start, pieces[-1].end
    return Candidate(start, end, text[start:end], kind, weak)


def _name_like(pieces: list[_Piece]) -> bool:
    words = [p.text for p in pieces if not re.fullmatch(PARTICLE, p.text)]
    return (
        2 <= len(words) <= 4
        and re.fullmatch(WORD, words[-1]) is not None
        and not any(w in _NOT_IN_NAMES or re.fullmatch(ACRONYM, w) for w in words)
    )


def _organizations(text: str, pieces: list[_Piece]) -> Iterator[tuple[int, Candidate]]:
    """Yield (index after the organisation, candidate) for each part ending in an org suffix.

    The name runs to the last suffix before a title or a break: 'Federal Emergency Management
    Agency' and 'Norges Bank Investment Management' are one name each.
    """
    begin, last = 0, -1
    for index, piece in enumerate([*pieces, None]):
        ends = piece is None or _breaks(piece) or (piece.text in _TITLES_ONLY and last >= begin)
        if ends and last >= begin:
            # 'Chief Financial Officer' is a title: some word before the suffix must be a name.
            if any(p.text not in _TITLES_ONLY for p in pieces[begin:last]):
                yield last + 1, _span(text, pieces[begin : last + 1], "organization")
            begin = last + 1
        if piece is not None and _breaks(piece):
            begin = index + 1
        elif piece is not None and piece.text in v.ORG_SUFFIXES and index > begin:
            last = index


def _evidence(text: str, segment: list[_Piece], titled: bool, run: tuple[int, int]) -> bool:
    first, last = segment[0].start == run[0], segment[-1].end == run[1]
    return bool(
        titled
        or (first and _BEFORE_PERSON.search(text, max(0, run[0] - 40), run[0]))
        or (last and _AFTER_PERSON.match(text[run[1] : run[1] + 80]))
    )


# A sentence-initial role noun capitalised only by its position: 'Glaciologist David Vaughan said'.
ROLE_NOUN = re.compile(r"[A-Z][a-z]+(?:ist|er|or|ian|ant|ent|man|woman)")
# A hyphenated title or role, wherever it stands: 'Attorney-General', 'Leg-spinner', 'Vice-Chancellor'.
ROLE_COMPOUND = re.compile(r"[A-Z][a-z]+-(?:[a-z]+|General|Chancellor|President|Admiral|Marshal)")
AT_SENTENCE_START = re.compile(r"(?:^|[.!?][\"\u201d\u2019')\]]*\s+|\n\s*)$")


def _without_role(text: str, segment: list[_Piece]) -> list[_Piece]:
    """The segment less a leading role, when a name of two words or more follows it."""
    if len(segment) < 3 or segment[0].text in given_names():
        return segment
    if ROLE_COMPOUND.fullmatch(segment[0].text):
        return segment[1:]
    starts = AT_SENTENCE_START.search(text, max(0, segment[0].start - 4), segment[0].start) is not None
    return segment[1:] if starts and ROLE_NOUN.fullmatch(segment[0].text) else segment


def _people(text: str, pieces: list[_Piece], run_start: int, run_end: int) -> Iterator[Candidate]:
    segment: list[_Piece] = []
    titled = False
    for piece in [*pieces, None]:
        if piece is None or piece.text in v.TITLE_TOKENS or _breaks(piece):
            segment = _without_role(text, segment)
            if segment and _name_like(segment):
                at_organization = _AT_ORGANIZATION.search(text, max(0, run_start - 40), run_start) is not None
                given = segment[0].text in given_names()
                if given or (not at_organization and _evidence(text, segment, titled, (run_start, run_end))):
                    yield _span(text, segment, "person")
                elif at_organization:
                    yield _span(text, segment, "organization")
                else:
                    yield _span(text, segment, "person", weak=True)
            titled = piece is not None and piece.text in v.TITLE_TOKENS - v.TITLE_MODIFIERS
            segment = []
        else:
            segment.append(piece)


# A wire byline, '(Reporting by Jane Doe; Editing by John Roe)': all names, yet not a headline.
_BYLINE = re.compile(r"^\s*\(?(?:Reporting|Writing|Editing|Additional reporting|Compiled) by ")


def _headline_case(line: str) -> bool:
    """Lines in title case ('Yen Slides as Japan Election Boosts') carry no capitalisation signal."""
    if _BYLINE.match(line):
        return False
    words = [word for word in re.findall(r"[^\W\d_][\w\u2019'-]*", line) if len(word) >= 4]
    share = sum(1 for word in words if word[0].isupper()) / max(1, len(words))
    sentence = line.rstrip().rstrip('"\u201d\u2019)').endswith((".", "!", "?"))
    return len(words) >= 3 and (share >= 0.9 or (share > 0.6 and not sentence))


@functools.lru_cache(maxsize=4)  # the rules and the name layer both read the same article's prose
def prose(text: str) -> str:
    """The text with headline-case lines blanked out, offsets unchanged."""
    return re.sub(
        r"[^\n]+",
        lambda line: " " * len(line.group()) if _headline_case(line.group()) else line.group(),
        text,
    )


def candidates(text: str) -> Iterator[Candidate]:
    """Find name-like spans in prose(text); known names should already be masked out of it."""
    for run in _RUN.finditer(text):
        base = run.start()
        pieces = [_Piece(base + m.start(), base + m.end(), m.group()) for m in _PIECE.finditer(run.group())]
        rest_from = 0
        for after, org in _organizations(text, pieces):
            yield org
            rest_from = after
        rest = pieces[rest_from:]
        if rest:
            yield from _people(text, rest, rest[0].start, run.end())
