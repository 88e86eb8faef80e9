"""Names no gazetteer knows: people from context ('director, Zang Ziyuan'), organisations by suffix.

Precision first: a capitalised run becomes a person only with evidence (a title, a verb of speech,
an appositive), and an organisation only when it ends in a word like 'Corp.' or 'Ministry'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from services.enrich import vocabulary as v

_UPPER = "A-ZÀ-ÖØ-ÞĀĆČĎĘĚŁŃŇŐŘŚŠŤŰŹŻŽ"
_LOWER = "a-zß-öø-ÿāăąćčďđēęěğıłńňőœřśšşţťūůűźżž"
_ABBREVIATION = r"(?:Corp|Inc|Ltd|Co|Jr|Sr|Dr|Mr|Mrs|Ms|Prof|Gen|Sen|Rep|Gov|Lt|Col|Adm|Sgt|St)\."
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:[-'\u2019][{_UPPER}][{_LOWER}]+|-[{_LOWER}]+)*"
_INITIAL = rf"[{_UPPER}]\."
_ACRONYM = rf"[{_UPPER}]{{2,6}}(?![\w.])"
_TOKEN = rf"(?:{_ABBREVIATION}|{_WORD}|{_INITIAL}|{_ACRONYM}|&)"
_PARTICLE = r"(?:de|da|del|der|den|di|du|van|von|la|le|bin|al|el|ibn|dos|das)"
_GAP = r"[ \t]+"

_RUN = re.compile(rf"(?<![\w.]){_TOKEN}(?:{_GAP}(?:{_PARTICLE}{_GAP}){{0,2}}{_TOKEN})*")
_PIECE = re.compile(rf"{_TOKEN}|{_PARTICLE}")
_ORG_OF = re.compile(
    rf"(?<![\w.])(?:{_WORD}{_GAP}){{0,3}}(?:{v.ORG_HEADS}){_GAP}of{_GAP}(?:the{_GAP})?"
    rf"{_WORD}(?:{_GAP}(?:and{_GAP}|&{_GAP})?{_WORD}){{0,4}}"
)
_BEFORE_PERSON = re.compile(rf"\b(?:{v.TITLE_WORDS})\s*,?\s*$", re.IGNORECASE)
_AFTER_PERSON = re.compile(
    rf"^(?:,?\s+(?:{v.SPEECH_VERBS})\b|,\s+(?:who|whose)\b|,\s+\d{{1,3}},"
    rf"|,\s+(?:(?:the|a|an|its|his|her|their)\s+)?(?:[\w\u2019'.&-]+\s+){{0,4}}?(?:{v.TITLE_WORDS})\b)"
)
_COMPOUND_TAILS = ("based", "backed", "owned", "led", "made", "born", "style", "like", "funded", "listed")

_NOT_IN_NAMES = v.NON_NAME_TOKENS | v.ORG_SUFFIXES | v.DEMONYMS | {"&"}

_TITLES_ONLY = v.TITLE_TOKENS - v.DEPARTMENTS

Kind = Literal["person", "organization"]


@dataclass(frozen=True)
class Candidate:
    """A span that looks like a name, with the type its context suggests."""

    start: int
    end: int
    surface: str
    type: Kind


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    text: str


def _breaks(piece: _Piece) -> bool:
    return piece.text in v.STOP_TOKENS or piece.text.rsplit("-", 1)[-1] in _COMPOUND_TAILS


def _ends_org_of(piece: _Piece) -> bool:
    """'Department of Energy Secretary Chris Wright': the name stops before the title."""
    title = piece.text in v.TITLE_TOKENS and piece.text not in v.DEPARTMENTS
    return title or piece.text in v.STOP_TOKENS


def _span(text: str, pieces: list[_Piece], kind: Kind) -> Candidate:
    start, end = pieces[0].start, pieces[-1].end
    return Candidate(start, end, text[start:end], kind)


def _name_like(pieces: list[_Piece]) -> bool:
    words = [p.text for p in pieces if not re.fullmatch(_PARTICLE, p.text)]
    return (
        2 <= len(words) <= 4
        and re.fullmatch(_WORD, words[-1]) is not None
        and not any(w in _NOT_IN_NAMES or re.fullmatch(_ACRONYM, w) for w in words)
    )


def _organizations(text: str, pieces: list[_Piece]) -> Iterator[tuple[int, Candidate]]:
    """Yield (index after the organisation, candidate) for each part ending in an org suffix."""
    begin = 0
    for index, piece in enumerate(pieces):
        if _breaks(piece):
            begin = index + 1
        elif piece.text in v.ORG_SUFFIXES and index > begin:
            # 'Chief Financial Officer' is a title: some word before the suffix must be a name.
            if any(p.text not in _TITLES_ONLY for p in pieces[begin:index]):
                yield index + 1, _span(text, pieces[begin : index + 1], "organization")
            begin = index + 1


def _people(text: str, pieces: list[_Piece], run_start: int, run_end: int) -> Iterator[Candidate]:
    segment: list[_Piece] = []
    titled = False
    for piece in [*pieces, None]:
        if piece is None or piece.text in v.TITLE_TOKENS or _breaks(piece):
            if segment and _name_like(segment):
                first, last = segment[0].start == run_start, segment[-1].end == run_end
                evidence = (
                    titled
                    or (first and _BEFORE_PERSON.search(text, max(0, run_start - 40), run_start))
                    or (last and _AFTER_PERSON.match(text[run_end : run_end + 80]))
                )
                if evidence:
                    yield _span(text, segment, "person")
            titled = piece is not None and piece.text in v.TITLE_TOKENS - v.TITLE_MODIFIERS
            segment = []
        else:
            segment.append(piece)


def _headline_case(line: str) -> bool:
    """Lines in title case ('Yen Slides as Japan Election Boosts') carry no capitalisation signal."""
    words = [word for word in re.findall(r"[^\W\d_][\w\u2019'-]*", line) if len(word) >= 4]
    share = sum(1 for word in words if word[0].isupper()) / max(1, len(words))
    sentence = line.rstrip().rstrip('"\u201d\u2019)').endswith((".", "!", "?"))
    return len(words) >= 3 and (share >= 0.9 or (share > 0.6 and not sentence))


def candidates(text: str) -> Iterator[Candidate]:
    """Find name-like spans in text; known names should already be masked out of it."""
    text = re.sub(
        r"[^\n]+",
        lambda line: " " * len(line.group()) if _headline_case(line.group()) else line.group(),
        text,
    )
    for match in _ORG_OF.finditer(text):
        pieces = [_Piece(m.start(), m.end(), m.group()) for m in _PIECE.finditer(match.group())]
        while pieces and _breaks(pieces[0]):
            pieces.pop(0)
        head = next((i for i, p in enumerate(pieces) if re.fullmatch(v.ORG_HEADS, p.text)), 0)
        cut = next((i for i, p in enumerate(pieces) if i > head and _ends_org_of(p)), len(pieces))
        if pieces[:cut]:
            found = _span(match.group(), pieces[:cut], "organization")
            yield Candidate(match.start() + found.start, match.start() + found.end, found.surface, found.type)
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
