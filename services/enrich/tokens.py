"""Regex building blocks for capitalised names, shared by the person and long-name recognisers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UPPER = "A-ZÀ-ÖØ-ÞĀĆČĎĘĚŁŃŇŐŘŚŠŤŰŹŻŽ"
LOWER = "a-zß-öø-ÿāăąćčďđēęěğıłńňőœřśšşţťūůűźżž"
ABBREVIATION = r"(?:Corp|Inc|Ltd|Co|Jr|Sr|Dr|Mr|Mrs|Ms|Prof|Gen|Sen|Rep|Gov|Lt|Col|Adm|Sgt|St)\."
WORD = rf"[{UPPER}][{LOWER}]+(?:[{UPPER}][{LOWER}]+)?(?:[-'\u2019][{UPPER}][{LOWER}]+|-[{LOWER}]+)*"
INITIAL = rf"[{UPPER}]\."
ACRONYM = rf"[{UPPER}]{{2,6}}(?![\w.])"
# Arabic and other name particles joined to the next word: 'al-Burhan', 'bin-Salman', 'el-Sisi'.
JOINED = rf"(?:al|el|ad|as|ash|bin|ibn|abu|ben)-{WORD}"
TOKEN = rf"(?:{ABBREVIATION}|{WORD}|{INITIAL}|{ACRONYM}|{JOINED}|&)"
PARTICLE = r"(?:de|da|del|der|den|di|du|van|von|la|le|bin|al|el|ibn|dos|das)"
GAP = r"[ \t]+"
# A word inside a long official name: also possessives ('People's') and numbers ('Capital One').
NAME_WORD = rf"(?:{WORD}(?:['\u2019]s)?|{ACRONYM}|St\.|U\.S\.|[{UPPER}]\d+)"

Kind = Literal["person", "organization", "place"]


@dataclass(frozen=True)
class Candidate:
    """A span that looks like a name, with the type its context suggests.

    weak: a person only if it is listed with another person ('Travis Head and Marnus Labuschagne').
    """

    start: int
    end: int
    surface: str
    type: Kind
    weak: bool = False
