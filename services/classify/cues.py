"""Structural cues: how a story is told, as evidence for topics whose vocabulary is weak.

Human-interest stories have few words of their own (a lottery win, a rescue, a reunion are
told in everyday words), but they share a way of telling: an ordinary person is introduced
with their age ("Margaret Penrose, 71,") and speaks about their own experience ("I thought
it was a miracle"). Hard news introduces officials by title and quotes them about policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# An age between commas, ", 71,", and a capitalised word just before it: "Jane Doe, 71,".
# Two steps: searching for the rare age first is far faster than trying a name at every capital.
_AGE = re.compile(r", \d{1,3},")
_NAME_BEFORE = re.compile(r"\b[A-Z][\w'\u2019-]*$")
# Quoted speech: straight or curly double quotes around some words.
_QUOTE = re.compile(r"[\"\u201c]([^\"\u201c\u201d]+)[\"\u201d]")
# A speaker about themselves: first person singular, "I'm" and "I've" too. Case-sensitive:
# "I" is the pronoun only in capitals.
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|My)\b")
#: Fewest words in a first-person quote; a song title such as "What Was I Made For?" is shorter.
MIN_QUOTE_WORDS = 6


def named_age(text: str) -> bool:
    """Whether someone is introduced by name and age, as ordinary people are in news."""
    return any(
        _NAME_BEFORE.search(text, max(0, age.start() - 40), age.start()) for age in _AGE.finditer(text)
    )


def first_person_quote(text: str) -> bool:
    """Whether someone is quoted at some length speaking in the first person singular."""
    return any(
        len(quote.split()) >= MIN_QUOTE_WORDS and _FIRST_PERSON.search(quote)
        for quote in _QUOTE.findall(text)
    )


@dataclass(frozen=True, slots=True)
class Cue:
    """A way of telling that points to topic ``code`` with evidence ``weight``, once per article."""

    code: str
    weight: float
    found: Callable[[str], bool]


def cues_in(title: str, text: str) -> list[str]:
    """Names of the cues that ``title`` and ``text`` show, in the order of ``CUES``."""
    whole = text if text == title else f"{title}\n\n{text}"
    return [name for name, cue in CUES.items() if cue.found(whole)]


HUMAN_INTEREST = "medtop:08000000"

#: Cue name -> cue. Each adds a strong hint (2) to a topic the lexicon found; it is not shown as evidence.
CUES: dict[str, Cue] = {
    "named person's age": Cue(HUMAN_INTEREST, 2.0, named_age),
    "first-person quote": Cue(HUMAN_INTEREST, 2.0, first_person_quote),
}
