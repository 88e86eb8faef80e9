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


_RANGE = rf"(?:\s?(?:-|\u2013|to)\s?{NUMBER})?"
_PREFIXED = re.compile(
    rf"(?<![\w$])(?P<sign>{_alternation(_SIGNS)}|(?:{_CODES})\s)\s?(?P<num>{NUMBER}){_RANGE}(?P<scale>{_SCALE})?"
)
_SUFFIXED = re.compile(
    rf"(?<![\w.,$€£¥])(?P<num>{NUMBER})(?P<scale>{_SCALE})?\s(?P<name>{_alternation(_NAMES)}|{_CODES})(?![\w])"
)
_PERCENT = re.compile(
    rf"(?<![\w.,])(?P<sign>[-\u2212\u2013])?(?P<num>{NUMBER})\s?"
    r"(?P<unit>%|(?i:percentage points?|percent|per cent|pct|basis points?|bps|bp)(?![\w]))"
)


def _scale(text: str | None) -> float:
    return _SCALES[text.strip().lower()] if text else 1.0


def find_money(text: str) -> list[Money]:
    """Amounts with a currency; ranges ('$5-6 billion') take their lower bound."""
    found: dict[int, Money] = {}
    for match in _PREFIXED.finditer(text):
        sign = match["sign"].strip()
        value = parse_number(match["num"]) * _scale(match["scale"])
        found[match.start()] = Money(
            text=match.group(), value=value, currency=_SIGNS.get(sign, sign), offset=match.start()
        )
    for match in _SUFFIXED.finditer(text):
        name = match["name"]
        if (name in _NEED_SCALE and not match["scale"]) or (
            name == "pounds" and text.startswith(" of ", match.end())
        ):
            continue
        if any(m.offset <= match.start() < m.offset + len(m.text) for m in found.values()):
            continue
        value = parse_number(match["num"]) * _scale(match["scale"])
        currency = _NAMES.get(name, name)
        found[match.start()] = Money(text=match.group(), value=value, currency=currency, offset=match.start())
    return [found[offset] for offset in sorted(found)]


def find_percentages(text: str) -> list[Percent]:
    """Percentages in percent; percentage points keep their value, basis points become hundredths."""
    found = []
    for match in _PERCENT.finditer(text):
        value = parse_number(match["num"])
        if match["unit"].lower().startswith(("basis", "bp")):
            value /= 100
        if match["sign"]:
            value = -value
        found.append(Percent(text=match.group(), value=value, offset=match.start()))
    return found
