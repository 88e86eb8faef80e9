"""Money amounts ('$10 billion', '€3.2bn', '10 billion yuan') and percentages ('five percent')."""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.common.events.facts import Money, Percent
from services.enrich.numwords import NUMBER, parse_number

_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12, "lakh": 1e5,
    "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
}  # fmt: skip
# Scale words may follow after a space; bare letters only when attached ('£450m', '$5bn').
_SCALE = (
    r"(?:\s?(?i:trillion|billion|million|thousand|crores?|lakhs?|bn|mn|mln|bln|tn|trn)|(?:m|b|k))(?![\w])"
)

_SIGNS = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "HK$": "HKD", "C$": "CAD", "CA$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "NT$": "TWD", "R$": "BRL", "MX$": "MXN", "€": "EUR",
    "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₦": "NGN", "₱": "PHP",
    "Rs.": "INR", "Rs": "INR", "RMB": "CNY",
}  # fmt: skip
_CODES = "USD|EUR|GBP|JPY|CNY|HKD|INR|CHF|CAD|AUD|KRW|SGD|TWD|BRL|RUB|MXN|ZAR|SEK|NOK|DKK|AED|SAR"
_NAMES = {
    "U.S. dollars": "USD", "US dollars": "USD", "Canadian dollars": "CAD", "Australian dollars": "AUD",
    "Hong Kong dollars": "HKD", "Singapore dollars": "SGD", "New Taiwan dollars": "TWD",
    "Swiss francs": "CHF", "pounds sterling": "GBP", "dollars": "USD", "dollar": "USD",
    "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupees": "INR", "rupee": "INR", "won": "KRW", "francs": "CHF", "rubles": "RUB", "roubles": "RUB",
    "lira": "TRY", "ringgit": "MYR", "baht": "THB", "rand": "ZAR", "dirhams": "AED", "riyals": "SAR",
}  # fmt: skip
# Words that also mean something else ('5 pounds', 'the team won'): only with a scale word;
# and pounds followed by 'of' ('5 million pounds of beef') are a weight, not money.
_NEED_SCALE = {"pounds", "won", "rand", "lira"}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Each pattern starts with literals so re can scan for them fast: the number is then looked for
# right before the unit or currency name, and edges are checked in code rather than by lookbehind.
_RANGE = rf"(?:\s?(?:-|\u2013|to)\s?{NUMBER})?"
_PREFIXED = re.compile(
    rf"(?P<sign>{_alternation(_SIGNS)}|(?:{_CODES})\s)\s?(?P<num>{NUMBER}){_RANGE}(?P<scale>{_SCALE})?"
)
_CURRENCY_NAME = re.compile(rf"(?P<name>{_alternation(_NAMES)}|{_CODES})(?![\w])")
_AMOUNT_BEFORE = re.compile(rf"(?<![\w.,$\u20ac\u00a3\u00a5])(?P<num>{NUMBER})(?P<scale>{_SCALE})?\s$")
_PERCENT_UNIT = re.compile(
    r"(?P<unit>%|percentage points?|percent|per cent|pct|basis points?|bps|bp|Percent|Per cent)"
)
_PERCENT_BEFORE = re.compile(rf"(?<![\w.,])(?P<sign>[-\u2212\u2013])?(?P<num>{NUMBER})\s?$")
_LOOK_BACK = 48


def _scale(text: str | None) -> float:
    return _SCALES[text.strip().lower()] if text else 1.0


def _prefixed(text: str) -> list[Money]:
    found = []
    for match in _PREFIXED.finditer(text):
        if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "$"):
            continue  # the 'S$' of 'US$' or a word ending in 'Rs'
        sign = match["sign"].strip()
        value = parse_number(match["num"]) * _scale(match["scale"])
        found.append(
            Money(text=match.group(), value=value, currency=_SIGNS.get(sign, sign), offset=match.start())
        )
    return found


def _suffixed(text: str) -> list[Money]:
    found = []
    for name_match in _CURRENCY_NAME.finditer(text):
        start, name = name_match.start(), name_match["name"]
        match = _AMOUNT_BEFORE.search(text, max(0, start - _LOOK_BACK), start)
        if match is None or (start and text[start - 1].isalnum()):
            continue
        if (name in _NEED_SCALE and not match["scale"]) or (
            name == "pounds" and text.startswith(" of ", name_match.end())
        ):
            continue
        value = parse_number(match["num"]) * _scale(match["scale"])
        surface = text[match.start() : name_match.end()]
        found.append(Money(text=surface, value=value, currency=_NAMES.get(name, name), offset=match.start()))
    return found


def find_money(text: str) -> list[Money]:
    """Amounts with a currency; ranges ('$5-6 billion') take their lower bound."""
    prefixed = _prefixed(text)
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
