"""Currency vocabulary: signs, ISO codes and currency words, with the unit each word stands for."""

from __future__ import annotations

import re

SIGNS = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "HK$": "HKD", "C$": "CAD", "CA$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "NT$": "TWD", "R$": "BRL", "MX$": "MXN", "€": "EUR",
    "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₦": "NGN", "₱": "PHP",
    "Rs.": "INR", "Rs": "INR", "RMB": "CNY",
}  # fmt: skip
# Signs of the dollar family: a bare '$' in a headline may stand for any of them.
DOLLAR_FAMILY = frozenset({"USD", "HKD", "CAD", "AUD", "NZD", "SGD", "TWD", "MXN"})
CODES = (
    "USD|EUR|GBP|JPY|CNY|HKD|INR|CHF|CAD|AUD|NZD|KRW|SGD|TWD|BRL|RUB|MXN|ZAR|SEK|NOK|DKK|AED|SAR|"
    "PLN|CZK|ILS|IDR|MYR|THB|TRY|NGN|PHP"
)
NAMES = {
    "U.S. dollars": "USD", "US dollars": "USD", "Canadian dollars": "CAD", "Australian dollars": "AUD",
    "Hong Kong dollars": "HKD", "Singapore dollars": "SGD", "New Taiwan dollars": "TWD",
    "New Zealand dollars": "NZD", "Swiss francs": "CHF", "pounds sterling": "GBP", "dollars": "USD",
    "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rupees": "INR", "rupee": "INR", "won": "KRW", "francs": "CHF", "rubles": "RUB",
    "roubles": "RUB", "lira": "TRY", "ringgit": "MYR", "baht": "THB", "rand": "ZAR", "dirhams": "AED",
    "riyals": "SAR", "reais": "BRL", "zlotys": "PLN", "zloty": "PLN", "shekels": "ILS", "naira": "NGN",
    "rupiah": "IDR", "Danish crowns": "DKK", "Danish kroner": "DKK", "Swedish crowns": "SEK",
    "Swedish kronor": "SEK", "kronor": "SEK", "Norwegian crowns": "NOK", "Norwegian kroner": "NOK",
    "Czech crowns": "CZK", "Czech korunas": "CZK", "crowns": "", "kroner": "", "krone": "",
    "cents": "USD", "U.S. cents": "USD", "US cents": "USD", "euro cents": "EUR",
    "Australian cents": "AUD", "Canadian cents": "CAD", "pence": "GBP",
}  # fmt: skip
# Hundredths of a unit: '33.1 cents' is 0.331 dollars.
FRACTIONAL = frozenset(name for name in NAMES if name.endswith("cents") or name == "pence")
# Words that also mean something else ('5 pounds', 'the team won'): only with a scale word.
NEED_SCALE = frozenset({"pounds", "won", "rand", "lira"})

# 'crowns' and 'kroner' alone: the country the article is about decides (the nearest cue before).
_CROWN_CUES = re.compile(r"\b(?:(Denmark|Danish)|(Sweden|Swedish)|(Norway|Norwegian)|(Czech))")
_CROWN_CODES = ("DKK", "SEK", "NOK", "CZK")


def crown_currency(text: str, offset: int) -> str | None:
    """ISO code of bare 'crowns' at offset: the nearest country cue before it, else the first after."""
    cues = [(m.start(), _CROWN_CODES[m.lastindex - 1]) for m in _CROWN_CUES.finditer(text) if m.lastindex]
    before = [code for start, code in cues if start < offset]
    if before:
        return before[-1]
    return cues[0][1] if cues else None
