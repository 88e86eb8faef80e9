"""Money amounts ('$10 billion', '€3.2bn', '10 billion yuan') and percentages ('five percent')."""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.common.events.facts import Money, Percent
from services.enrich.currencies import (
    CODES,
    DOLLAR_FAMILY,
    FRACTIONAL,
    NAMES,
    NEED_SCALE,
    SHORT_SIGNS,
    SIGN_WORDS,
    SIGNS,
    country_currency,
)
from services.enrich.numwords import NUMBER, parse_number

_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12, "lakh": 1e5,
    "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "lakh crore": 1e12, "lakh crores": 1e12,
}  # fmt: skip
# Scale words may follow after a space; bare letters only when attached ('£450m', '$5bn').
_SCALE = (
    r"(?:[\s-]?(?i:trillion|billion|million|thousand|crores?|lakh\s+crores?|lakhs?|bn|mn|mln|bln|tn|trn)|(?:m|b|k))"
    r"(?![\w])"
)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Each pattern starts with literals so re can scan for them fast: the number is then looked for
# right before the unit or currency name, and edges are checked in code rather than by lookbehind.
_RANGE = rf"(?:\s?(?:-|\u2013|to)\s?{NUMBER})?"
_PREFIXED = re.compile(
    rf"(?P<sign>{_alternation(SIGNS)}|(?:{CODES})\s)\s?(?P<num>{NUMBER}){_RANGE}(?P<scale>{_SCALE})?"
)
_CURRENCY_NAME = re.compile(rf"(?P<name>{_alternation(NAMES)}|{CODES})(?![\w])")
_AMOUNT_BEFORE = re.compile(rf"(?<![\w.,$\u20ac\u00a3\u00a5])(?P<num>{NUMBER})(?P<scale>{_SCALE})?\s$")
_PERCENT_UNIT = re.compile(
    r"(?P<unit>%|percentage points?|percent|per cent|pct|basis points?|bps|bp|Percent|Per cent)"
)
# A dash right after a percentage is a range ('4.50%-4.75%'), not a minus sign.
_PERCENT_BEFORE = re.compile(rf"(?<![\w.,%])(?P<sign>[-\u2212\u2013])?(?P<num>{NUMBER})[\s-]?$")
_LOOK_BACK = 48


def _scale(text: str | None) -> float:
    return _SCALES[" ".join(text.lower().lstrip("-").split())] if text else 1.0


def _prefixed(text: str) -> list[Money]:
    found = []
    for match in _PREFIXED.finditer(text):
        if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "$"):
            continue  # the 'S$' of 'US$' or a word ending in 'Rs'
        sign = match["sign"].strip()
        if sign in SHORT_SIGNS and not (match["scale"] or re.search(r",\d{3}|\.\d\d$", match["num"])):
            continue  # 'R28 billion', 'R1,500', 'R3.40'; not the 'R1' of a product
        currency = SIGNS.get(sign, sign)
        if sign in SIGN_WORDS:
            currency = country_currency(SIGN_WORDS[sign], text, match.start()) or currency
        if not currency:
            continue
        value = parse_number(match["num"]) * _scale(match["scale"])
        found.append(Money(text=match.group(), value=value, currency=currency, offset=match.start()))
    return found


def _suffixed(text: str) -> list[Money]:
    found = []
    for name_match in _CURRENCY_NAME.finditer(text):
        start, name = name_match.start(), name_match["name"]
        match = _AMOUNT_BEFORE.search(text, max(0, start - _LOOK_BACK), start)
        if match is None or (start and text[start - 1].isalnum()):
            continue
        if (name in NEED_SCALE and not match["scale"]) or (
            name == "pounds" and text.startswith(" of ", name_match.end())
        ):
            continue
        currency = NAMES.get(name, name) or country_currency(name, text, start)
        if currency is None:
            continue
        value = parse_number(match["num"]) * _scale(match["scale"]) / (100 if name in FRACTIONAL else 1)
        surface = text[match.start() : name_match.end()]
        found.append(Money(text=surface, value=value, currency=currency, offset=match.start()))
    return found


# Pence written with 'p' ('89p', a share price of '412p'); video formats ('720p') are not money.
_PENCE = re.compile(r"(?<![\w.,$\u00a3\u20ac])(?P<num>\d{1,4}(?:\.\d)?)p(?![\w])")
_VIDEO_FORMATS = frozenset({"144", "240", "360", "480", "576", "720", "1080", "1440", "2160", "4320"})


def _pence(text: str) -> list[Money]:
    return [
        Money(text=m.group(), value=float(m["num"]) / 100, currency="GBP", offset=m.start())
        for m in _PENCE.finditer(text)
        if m["num"] not in _VIDEO_FORMATS
    ]


def find_money(text: str) -> list[Money]:
    """Amounts with a currency; ranges ('$5-6 billion') take their lower bound."""
    prefixed = _prefixed(text) + _pence(text)
    spans = [(m.offset, m.offset + len(m.text)) for m in prefixed]
    suffixed = [m for m in _suffixed(text) if not any(a <= m.offset < b for a, b in spans)]
    return sorted(prefixed + suffixed, key=lambda m: m.offset)


def find_percentages(text: str) -> list[Percent]:
    """Percentages in percent; percentage points keep their value, basis points become hundredths."""
    found = []
    for unit in _PERCENT_UNIT.finditer(text):
        if unit["unit"] != "%" and (
            text[unit.end() : unit.end() + 1].isalnum() or text[unit.start() - 1].isalnum()
        ):
            continue  # 'bp' inside 'bps', 'percent' inside 'percentage'
        match = _PERCENT_BEFORE.search(text, max(0, unit.start() - _LOOK_BACK), unit.start())
        if match is None:
            continue
        value = parse_number(match["num"])
        if unit["unit"].lower().startswith(("basis", "bp")):
            value /= 100
        if match["sign"]:
            value = -value
        found.append(Percent(text=text[match.start() : unit.end()], value=value, offset=match.start()))
    return found


def headline_money(title: str, body: list[Money]) -> list[Money]:
    """Amounts the title names that the body does not, at offset 0 (their offset is in the title).

    A bare '$' takes the currency of a dollar-family body amount within 10% of it: an Australian
    story's '$4 Million' headline rounds the body's 'A$4.1 million'.
    """
    found = []
    for money in find_money(title):
        if money.text.startswith("$"):
            near = [
                m.currency
                for m in body
                if m.currency in DOLLAR_FAMILY
                and abs(m.value - money.value) <= 0.1 * max(m.value, money.value)
            ]
            money = money.model_copy(update={"currency": near[0] if near else money.currency})
        if not any(m.currency == money.currency and m.value == money.value for m in body):
            found.append(money.model_copy(update={"offset": 0}))
    return found
