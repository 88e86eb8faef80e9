"""Numbers written as digits ('1,250.5') or English words ('twenty-five', 'one hundred')."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip

_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TEN = "|".join(_TENS)
_BELOW_HUNDRED = rf"(?:(?:{_TEN})(?:[- ](?:{_UNIT}))?|{_UNIT})"
WORDS = rf"(?:(?:a|{_UNIT})[- ]hundred(?:(?:[- ]and)?[- ]{_BELOW_HUNDRED})?|{_BELOW_HUNDRED})"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
NUMBER = rf"(?:{DIGITS}|(?i:{WORDS}))"


def parse_number(text: str) -> float:
    """Value of a number matched by NUMBER: '1,250.5' -> 1250.5, 'twenty-five' -> 25.0."""
    cleaned = text.replace(",", "")
    if re.fullmatch(r"\d*\.?\d+", cleaned):
        return float(cleaned)
    total = 0
    for word in re.split(r"[- ]+", text.lower()):
        if word == "hundred":
            total = max(total, 1) * 100
        elif word in _TENS:
            total += _TENS[word]
        elif word in _UNITS:
            total += _UNITS[word]
        elif word == "a":
            total += 1
    return float(total)
