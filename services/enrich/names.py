"""Names the rules leave over, typed by a learned linear model (data/names_model.json).

After the gazetteer and the patterns have claimed their spans, every capitalised run left in the
prose is a candidate. Titles, roles and descriptors before it are trimmed off ('Shadow treasurer
Bob McMullan' is Bob McMullan), then a multinomial logistic regression over its words, shape and
neighbours says person, organization, place, product, group or none. One surface gets one type per
article: the probabilities of its mentions are summed before the choice. The model is trained on
the development gold sets only by ``python -m services.evaluation.nametraining``; never on test or hold-out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from services.common.events.facts import EntityType
from services.common.linear import Features, LinearModel
from services.enrich import recognizer
from services.enrich import vocabulary as v
from services.enrich.tokens import GAP, PARTICLE, TOKEN

#: The labels the model chooses among; 'none' means not a name worth reporting.
LABELS = ("none", "person", "organization", "place", "product", "group")
ENTITY_TYPES: dict[str, EntityType] = {
    "person": "person",
    "organization": "organization",
    "place": "place",
    "product": "product",
    "group": "group",
}
MODEL_FILE = "names_model.json"
#: A surface becomes an entity when its type's mean probability reaches this (tuned on dev sets);
#: a single word ('Company', 'Reading') is far likelier to be an ordinary word and needs more,
#: most when nothing backs it (a second mention, a title before it, an acronym's capitals).
THRESHOLD = 0.65
SINGLE_WORD_THRESHOLD = 0.9
#: A run that only ever opens a sentence may be capitalised by its position alone ('Storm Response Teams').
INITIAL_THRESHOLD = 0.8
LONE_WORD_THRESHOLD = 0.95

_CONNECTOR = r"(?:of|of the|for|for the|on|de|del|la|du|al|bin|van|von|der)"
_RUN = re.compile(rf"(?<![\w.'\u2019-]){TOKEN}(?:{GAP}(?:{_CONNECTOR}{GAP}|{PARTICLE}{GAP})?{TOKEN})*")
_PIECE = re.compile(rf"{TOKEN}|\S+")
# Words that are never the start of a name, only a title, role or descriptor before one.
_LEADERS = (
    v.TITLE_TOKENS
    | v.STOP_TOKENS
    | v.DEMONYMS
    | v.CALENDAR_TOKENS
    | {"Opposition", "Shadow", "Former", "Acting", "Deputy", "Interim", "Outgoing", "Premier", "Leader"}
    | {"Mayor", "Senator", "Governor", "Coach", "Striker", "Swimmer", "Opener", "Paceman", "Teenager"}
)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;][\"\u201d\u2019')\]]*\s+|\n\s*|[\"\u201c(]\s*)$")
_WORD_BEFORE = re.compile(r"([\w'\u2019-]+)[^\w\n]*$")
_WORD_AFTER = re.compile(r"^[^\w\n]*([\w'\u2019-]+)(?:[^\w\n]+([\w'\u2019-]+))?")
# ', a group founded by': the noun of an appositive says what kind of thing the name is.
_APPOSITION = re.compile(r",[ \t]+(?:a|an|the)[ \t]+([a-z-]+)(?:[ \t]+([a-z]+))?")
_ORGANIZATION_NOUNS = frozenset(
    [
        "group",
        "company",
        "firm",
        "party",
        "union",
        "body",
        "agency",
        "charity",
        "coalition",
        "organisation",
        "organization",
    ]
)


@dataclass(frozen=True)
class Candidate:
    """A capitalised run of the text, trimmed of leading roles; role is what was trimmed."""

    start: int
    end: int
    surface: str
    role: str
    initial: bool


@functools.cache
def model() -> LinearModel:
    """The trained model, read once per process from the package's data."""
    text = resources.files("services.enrich").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return LinearModel.loads(text)


def candidates(text: str, taken: bytearray) -> Iterator[Candidate]:
    """Capitalised runs of the prose that no earlier finder claimed (``taken`` marks claimed bytes)."""
    prose = recognizer.prose(text)
    masked = _masked(prose, taken)
    for run in _RUN.finditer(masked):
        pieces = [(run.start() + m.start(), run.start() + m.end()) for m in _PIECE.finditer(run.group())]
        if all(text[a:b].isupper() for a, b in pieces) and _shouted(text, pieces[0][0]):
            continue  # a shouted kicker ('BREAKING NEWS:'), not a run of acronyms
        first = 0
        while first < len(pieces) and _leader(text, pieces, first):
            first += 1
        last = len(pieces)
        while last > first and text[pieces[last - 1][0] : pieces[last - 1][1]] in v.CALENDAR_TOKENS:
            last -= 1
        if first >= last:
            continue
        start, end = pieces[first][0], pieces[last - 1][1]
        surface = text[start:end]
        if re.fullmatch(rf"{_CONNECTOR}|{PARTICLE}", surface.split()[-1]):
            continue
        role = text[pieces[0][0] : start].strip()
        yield Candidate(
            start, end, surface, role, _SENTENCE_END.search(text, max(0, start - 6), start) is not None
        )


def _shouted(text: str, start: int) -> bool:
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return before is not None and len(before.group(1)) > 1 and before.group(1).isupper()


def _masked(prose: str, taken: bytearray) -> str:
    parts, at = [], 0
    for claimed in re.finditer(rb"[^\x00]+", taken):
        parts += [prose[at : claimed.start()], "\0" * (claimed.end() - claimed.start())]
        at = claimed.end()
    return "".join([*parts, prose[at:]])


def threshold(surface: str, mentions: list[Candidate]) -> float:
    """The probability a surface's type needs before it is reported.

    A single word ('Company', 'Reading') is far likelier to be an ordinary word than a run is: it
    needs more, and most when no second mention, title before it or acronym's capitals backs it.
    """
    if " " in surface:
        initial = all(m.initial and not m.role for m in mentions)
        return INITIAL_THRESHOLD if initial else THRESHOLD
    backed = len(mentions) > 1 or surface.isupper() or any(m.role for m in mentions)
    return SINGLE_WORD_THRESHOLD if backed else LONE_WORD_THRESHOLD


def _leader(text: str, pieces: list[tuple[int, int]], index: int) -> bool:
    """A title, role or descriptor before a name, not part of it ('Glaciologist', 'Leg-spinner')."""
    start, end = pieces[index]
    word = text[start:end]
    if word in _LEADERS or recognizer.ROLE_COMPOUND.fullmatch(word):
        return True
    initial = recognizer.AT_SENTENCE_START.search(text, max(0, start - 4), start) is not None
    role = recognizer.ROLE_NOUN.fullmatch(word) is not None and word not in recognizer.given_names()
    return initial and role and len(pieces) - index >= 3


def features(text: str, candidate: Candidate) -> Features:
    """What the model sees of one candidate: its words, shape and neighbours."""
    words = candidate.surface.split()
    before = _WORD_BEFORE.search(text, max(0, candidate.start - 40), candidate.start)
    after = _WORD_AFTER.match(text[candidate.end : candidate.end + 40])
    prev = before.group(1).lower() if before else "^"
    nxt = after.group(1).lower() if after else "$"
    then = (after.group(2) or "$").lower() if after else "$"
    found: dict[str, float] = {
        "bias": 1.0,
        f"first={words[0].lower()}": 1.0,
        f"last={words[-1].lower()}": 1.0,
        f"suffix={words[-1][-3:].lower()}": 1.0,
        f"len={min(len(words), 4)}": 1.0,
        f"shape={_shape(candidate.surface)}": 1.0,
        f"prev={prev}": 1.0,
        f"next={nxt}": 1.0,
        f"prev+next={prev}|{nxt}": 1.0,
        f"next2={nxt}|{then}": 1.0,
        f"role={candidate.role.split()[-1].lower() if candidate.role else '-'}": 1.0,
    }
    for word in words:
        found[f"word={word.lower()}"] = 1.0
    if candidate.initial and not candidate.role:
        found["initial"] = 1.0
        found[f"initial+len={min(len(words), 3)}"] = 1.0
    if words[0] in recognizer.given_names():
        found["given"] = 1.0
    if text[candidate.end : candidate.end + 2] in ("'s", "\u2019s"):
        found["possessive"] = 1.0
    return found


def _shape(surface: str) -> str:
    shape = re.sub(r"[A-Z]+", "X", re.sub(r"[a-z]+", "x", re.sub(r"\d+", "d", surface)))
    return shape[:12]


def typed(text: str, found: list[Candidate]) -> dict[str, tuple[str, float]]:
    """Surface -> (type, mean probability): each surface typed once, from all its mentions."""
    totals: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    nlp = model()
    appositions: dict[str, str] = {}
    for candidate in found:
        after = _APPOSITION.match(text, candidate.end)
        if after and _ORGANIZATION_NOUNS & {after.group(1), after.group(2)}:
            appositions[candidate.surface] = "organization"
        probs = nlp.probabilities(features(text, candidate))
        sums = totals.setdefault(candidate.surface, dict.fromkeys(LABELS, 0.0))
        for label, p in probs.items():
            sums[label] += p
        counts[candidate.surface] = counts.get(candidate.surface, 0) + 1
    result = {}
    for surface, sums in totals.items():
        if surface in appositions:
            sums["organization"] += sums.pop("person")  # 'Fair Admissions, a group founded by'
        label = max(sums, key=sums.__getitem__)
        result[surface] = (label, sums[label] / counts[surface])
    return result
