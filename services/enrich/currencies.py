"""Currency vocabulary: signs, ISO codes and currency words, with the unit each word stands for."""

from __future__ import annotations

import re

SIGNS = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "HK$": "HKD", "C$": "CAD", "CA$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "S$": "SGD", "NT$": "TWD", "R$": "BRL", "MX$": "MXN", "€": "EUR",
    "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₦": "NGN", "₱": "PHP",
    "Rs.": "INR", "Rs": "INR", "RMB": "CNY", "KSh": "KES", "Ksh": "KES", "N$": "NAD", "R": "ZAR",
    "E£": "EGP", "GH₵": "GHS", "₴": "UAH", "₫": "VND", "₪": "ILS", "৳": "BDT", "₲": "PYG",
    "Dh": "AED", "P": "PHP", "Sh": "",
}  # fmt: skip
# A one-letter sign counts only with a scale word or a thousands separator: 'R28 billion', 'R1,500'
# (not the 'R1' of a product name).
SHORT_SIGNS = frozenset({"R", "P"})
# Signs several countries use: the article's country decides, as for the currency words below.
SIGN_WORDS = {"Sh": "shillings", "Rs": "rupees", "Rs.": "rupees"}
# Signs of the dollar family: a bare '$' in a headline may stand for any of them.
DOLLAR_FAMILY = frozenset({"USD", "HKD", "CAD", "AUD", "NZD", "SGD", "TWD", "MXN"})
CODES = (
    "USD|EUR|GBP|JPY|CNY|HKD|INR|CHF|CAD|AUD|NZD|KRW|SGD|TWD|BRL|RUB|MXN|ZAR|SEK|NOK|DKK|AED|SAR|"
    "PLN|CZK|ILS|IDR|MYR|THB|TRY|NGN|PHP|KES|UGX|TZS|ETB|GHS|EGP|MAD|NAD|PKR|BDT|LKR|VND|UAH|KZT|"
    "ARS|COP|CLP|PEN|UYU|QAR|KWD|BHD|OMR"
)
NAMES = {
    "U.S. dollars": "USD", "US dollars": "USD", "Canadian dollars": "CAD", "Australian dollars": "AUD",
    "Hong Kong dollars": "HKD", "Singapore dollars": "SGD", "New Taiwan dollars": "TWD",
    "New Zealand dollars": "NZD", "Swiss francs": "CHF", "pounds sterling": "GBP", "dollars": "USD",
    "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rupees": "", "rupee": "", "won": "KRW", "francs": "CHF", "rubles": "RUB",
    "roubles": "RUB", "lira": "TRY", "ringgit": "MYR", "baht": "THB", "rand": "ZAR", "dirhams": "AED",
    "riyals": "SAR", "reais": "BRL", "zlotys": "PLN", "zloty": "PLN", "shekels": "ILS", "naira": "NGN",
    "rupiah": "IDR", "Danish crowns": "DKK", "Danish kroner": "DKK", "Swedish crowns": "SEK",
    "Swedish kronor": "SEK", "kronor": "SEK", "Norwegian crowns": "NOK", "Norwegian kroner": "NOK",
    "Czech crowns": "CZK", "Czech korunas": "CZK", "crowns": "", "kroner": "", "krone": "",
    "cents": "USD", "U.S. cents": "USD", "US cents": "USD", "euro cents": "EUR",
    "Australian cents": "AUD", "Canadian cents": "CAD", "pence": "GBP",
    "Kenyan shillings": "KES", "Ugandan shillings": "UGX", "Tanzanian shillings": "TZS",
    "Argentine pesos": "ARS", "Mexican pesos": "MXN", "Colombian pesos": "COP", "Chilean pesos": "CLP",
    "Philippine pesos": "PHP", "Uruguayan pesos": "UYU", "Egyptian pounds": "EGP",
    "Pakistani rupees": "PKR", "Indian rupees": "INR",
    "Sri Lankan rupees": "LKR", "Nepalese rupees": "NPR", "Indonesian rupiah": "IDR", "dong": "VND",
    "hryvnias": "UAH", "hryvnia": "UAH", "cedis": "GHS", "birr": "ETB", "taka": "BDT", "tenge": "KZT",
    "soles": "PEN", "kwacha": "", "shillings": "", "pesos": "", "dinars": "",
}  # fmt: skip
# Hundredths of a unit: '33.1 cents' is 0.331 dollars.
FRACTIONAL = frozenset(name for name in NAMES if name.endswith("cents") or name == "pence")
# Words that also mean something else ('5 pounds', 'the team won'): only with a scale word.
NEED_SCALE = frozenset({"pounds", "won", "lira", "soles", "dong"})

# A currency word several countries use ('crowns', 'shillings', 'pesos'): the country the article
# is about decides (the nearest cue before the amount, else the first after).
_CUES: dict[str, tuple[tuple[str, str], ...]] = {
    "crowns": (("Denmark|Danish", "DKK"), ("Sweden|Swedish", "SEK"), ("Norway|Norwegian", "NOK"),
               ("Czech", "CZK")),
    "shillings": (("Kenya|Kenyan|Nairobi|Mombasa", "KES"), ("Uganda|Ugandan|Kampala", "UGX"),
                  ("Tanzania|Tanzanian|Dar es Salaam|Dodoma", "TZS"), ("Somalia|Somali", "SOS")),
    "pesos": (("Argentina|Argentine|Buenos Aires", "ARS"), ("Mexico|Mexican", "MXN"),
              ("Colombia|Colombian|Bogot[aá]", "COP"), ("Chile|Chilean|Santiago", "CLP"),
              ("Philippines|Philippine|Filipino|Manila", "PHP"), ("Uruguay|Uruguayan|Montevideo", "UYU"),
              ("Cuba|Cuban|Havana", "CUP"), ("Dominican", "DOP")),
    "kwacha": (("Zambia|Zambian|Lusaka", "ZMW"), ("Malawi|Malawian|Lilongwe", "MWK")),
    "rupees": (("India|Indian|New Delhi|Mumbai", "INR"),
               ("Pakistan|Pakistani|Islamabad|Karachi|Lahore", "PKR"),
               ("Sri Lanka|Sri Lankan|Colombo", "LKR"), ("Nepal|Nepalese|Nepali|Kathmandu", "NPR")),
    "dinars": (("Kuwait|Kuwaiti", "KWD"), ("Bahrain|Bahraini", "BHD"), ("Jordan|Jordanian|Amman", "JOD"),
               ("Iraq|Iraqi|Baghdad", "IQD"), ("Algeria|Algerian|Algiers", "DZD"),
               ("Tunisia|Tunisian|Tunis", "TND"), ("Serbia|Serbian|Belgrade", "RSD"),
               ("Libya|Libyan|Tripoli", "LYD")),
}  # fmt: skip
_CUES["kroner"] = _CUES["krone"] = _CUES["crowns"]
_CUES["rupee"] = _CUES["rupees"]
#: What a shared word means when the article names none of its countries.
_DEFAULTS = {"rupees": "INR", "rupee": "INR"}
_CUE_PATTERNS = {
    word: re.compile("|".join(rf"\b(?P<c{n}>{names})\b" for n, (names, _) in enumerate(cues)))
    for word, cues in _CUES.items()
}


def country_currency(word: str, text: str, offset: int) -> str | None:
    """ISO code of a bare shared currency word at offset ('70,000 shillings' in a Kenyan story)."""
    cues = _CUES.get(word)
    if not cues:
        return _DEFAULTS.get(word)
    found = [
        (m.start(), cues[int(next(k for k, val in m.groupdict().items() if val)[1:])][1])
        for m in _CUE_PATTERNS[word].finditer(text)
    ]
    before = [code for start, code in found if start < offset]
    if before:
        return before[-1]
    return found[0][1] if found else _DEFAULTS.get(word)
