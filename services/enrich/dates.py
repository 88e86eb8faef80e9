"""Date mentions ('Oct. 19', 'late August', '2024 H1', 'Tuesday') resolved against publication.

Forms without a year take it from the publication date (news convention): a weekday is the most
recent such day on or before publication, a month (or quarter, half) alone is the latest one that
has begun by publication, a day and month ('Oct. 19') is in the publication year. Without a
publication date only forms that carry a year are resolved; the others keep value None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Literal

from services.common.events.facts import DateMention
from services.enrich.periods import latest_begun, period_start, published, shifted, weekday_on_or_before, ymd

Granularity = Literal["day", "month", "quarter", "half", "year", "unknown"]
Resolved = tuple[date | None, Granularity]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": 4,
    "final": 4,
}  # fmt: skip
# Holidays on the same calendar day every year; movable feasts need a calendar and are left out.
_HOLIDAYS = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "christmas day": (12, 25),
    "christmas eve": (12, 24), "boxing day": (12, 26), "valentine's day": (2, 14),
    "halloween": (10, 31), "bastille day": (7, 14),
}  # fmt: skip
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBREVIATED = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# Only literal alternatives: re then scans for the first letters fast (so no leading \b either).
_MONTH = "(?P<month>{}|{}|{})".format(_FULL, _ABBREVIATED.replace("|", r"\.|") + r"\.", _ABBREVIATED)
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_SHORT_YEAR = r"(?:(?P<year2>(?:1[89]|20)\d\d)|'?(?P<yy>\d\d))"
_NOT_A_NUMBER = r"(?![\w%]|[.,]\d|-\d)"
# Before a bare month these words make it a date; otherwise 'May' is usually the verb.
_MONTH_CONTEXT = re.compile(r"(?i:\b(?:in|since|by|until|through|from|of|last|next|this))\s$")
_THE = re.compile(r"[Tt]he\s+$")


def _year(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    year = groups.get("year") or groups.get("year2")
    if year:
        return int(year)
    short = groups.get("yy") or groups.get("yy2")
    return 2000 + int(short) if short else None


def _day(match: re.Match[str], pub: date | None) -> Resolved | None:
    """'October 19, 2021', '19 October', 'Oct. 19' (in the publication year)."""
    month, day, year = _MONTHS[match["month"][:3].lower()], int(match["day"]), _year(match)
    if not 1 <= day <= 31:
        return None
    year = year or (pub.year if pub else None)
    if year is None:
        return None, "day"
    value = ymd(year, month, day)
    return (value, "day") if value else None


def _month_led(match: re.Match[str], pub: date | None) -> Resolved | None:
    if match["day"]:
        return _day(match, pub)
    month, year = _MONTHS[match["month"][:3].lower()], _year(match)
    if year:
        return ymd(year, month), "month"
    if match["month"] not in _FULL.split("|"):
        return None  # 'Mar' alone is not a month
    # Alone, 'May' is usually the verb and 'April Walsh' a person.
    ambiguous = match["month"] == "May" or re.match(r" [A-Z][a-z]", match.string[match.end() :])
    if ambiguous and not _MONTH_CONTEXT.search(match.string, max(0, match.start() - 7), match.start()):
        return None
    return latest_begun(pub, month), "month"


def _part_of_month(match: re.Match[str], pub: date | None) -> Resolved:
    month, year = _MONTHS[match["month"][:3].lower()], _year(match)
    return (ymd(year, month) if year else latest_begun(pub, month)), "month"


def _quarter_or_half(match: re.Match[str], pub: date | None) -> Resolved | None:
    number = int(match["n"])
    if match["qh"] == "Q":
        return period_start(number, 3, _year(match), pub), "quarter"
    return (period_start(number, 6, _year(match), pub), "half") if number <= 2 else None


def _year_led(match: re.Match[str], pub: date | None) -> Resolved | None:
    if match["m"]:
        value = ymd(int(match["year"]), int(match["m"]), int(match["d"]))
        return (value, "day") if value else None
    if match["qh"]:
        return _quarter_or_half(match, pub)
    return ymd(int(match["year"]), 1), "year"


def _ordinal_led(match: re.Match[str], pub: date | None) -> Resolved | None:
    """'third-quarter', 'the first half of 2024', 'the first two quarters of the year 2024'."""
    ordinal = match["ordinal"].lower()
    if match["quarter"]:
        return (
            (period_start(_ORDINALS[ordinal], 3, _year(match), pub), "quarter") if ordinal[0] != "l" else None
        )
    if not match["of"] or ordinal not in ("first", "second", "last", "final"):
        return None  # 'in the first half, he scored' is sport, not a date
    return period_start(1 if ordinal == "first" else 2, 6, _year(match), pub), "half"


def _fiscal_year(match: re.Match[str], pub: date | None) -> Resolved:
    return ymd(_year(match) or 1, 1), "year"


def _weekday(match: re.Match[str], pub: date | None) -> Resolved | None:
    following = _AFTER_WEEKDAY.match(match.string, match.end())
    if following:  # 'Tuesday, Oct. 19' is that day, whatever the publication date
        return _day(following, pub)
    return (weekday_on_or_before(pub, _WEEKDAYS.index(match["weekday"])) if pub else None), "day"


def _holiday(match: re.Match[str], pub: date | None) -> Resolved:
    """A fixed-date holiday: the latest one on or before publication ('New Year's Day')."""
    month, day = _HOLIDAYS[match["holiday"].replace("\u2019", "'").lower()]
    if pub is None:
        return None, "day"
    return ymd(pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1, month, day), "day"


def _relative(match: re.Match[str], pub: date | None) -> Resolved | None:
    word, unit = match["rel"].lower(), match["unit"]
    if (word in ("this", "last", "next")) != bool(unit):
        return None
    granularity: Granularity = "year" if unit == "year" else "month" if unit == "month" else "day"
    step = {"this": 0, "last": -1, "next": 1, "today": 0, "yesterday": -1, "tomorrow": 1}[word]
    return (shifted(pub, granularity, step) if pub else None), granularity


def _left_edge_ok(text: str, start: int) -> bool:
    """Checked here, not in the patterns: a leading lookbehind would defeat re's prefix scan."""
    before = text[start - 1] if start else " "
    forbidden = "$\u20ac\u00a3\u00a5/_-" + (".," if text[start].isdigit() else "")
    return not before.isalnum() and before not in forbidden


def find_dates(text: str, published_at: str | None) -> list[DateMention]:
    """Date mentions in text, longest form first where they overlap, in text order."""
    pub = published(published_at)
    spans: list[tuple[int, int, Resolved]] = []
    for pattern, resolve in _RULES:
        for match in pattern.finditer(text):
            start = match.start()
            resolved = resolve(match, pub) if _left_edge_ok(text, start) else None
            if resolved is not None:
                the = _THE.search(text, max(0, start - 8), start)
                if the and resolved[1] in ("quarter", "half"):  # 'the first half of 2024'
                    start = the.start()
                spans.append((start, match.end(), resolved))
    taken = bytearray(len(text))
    found = []
    for start, end, (value, granularity) in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if not any(taken[start:end]):
            taken[start:end] = b"\1" * (end - start)
            iso = value.isoformat() if value else None
            found.append(DateMention(text=text[start:end], value=iso, granularity=granularity, offset=start))
    return sorted(found, key=lambda d: d.offset)


_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_OF_YEAR = rf"(?P<of>\s+of\s+(?:the\s+year\s+)?{_YEAR}|\s+of\s+(?:the|this)\s+year)?"
_AFTER_WEEKDAY = re.compile(rf",?\s+{_MONTH}\s+{_DAY}(?![\d:])(?:,?\s+{_YEAR}\b)?")
_ORDINAL = "first|second|third|fourth|First|Second|Third|Fourth|1st|2nd|3rd|4th|last|Last|final|Final"

_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str], date | None], Resolved | None]]] = [
    (re.compile(rf"{_MONTH}(?:\s+{_DAY}(?![\d:]))?(?![a-z])(?:,?\s+(?:of\s+)?{_YEAR}\b)?"), _month_led),
    (re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z])(?:,?\s+{_YEAR}\b)?"), _day),
    (
        re.compile(
            rf"(?:early|mid|late|Early|Mid|Late)[- ](?P<month>{_FULL})\b(?:,?\s+(?:of\s+)?{_YEAR}\b)?"
        ),
        _part_of_month,
    ),
    (
        re.compile(
            rf"{_YEAR}(?:-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b|\s?(?P<qh>[QH])(?P<n>[1-4])\b|{_NOT_A_NUMBER})"
        ),
        _year_led,
    ),
    # 'Q3 2024', "Q3'24"; a digit right after ('H100', 'Q35') makes it a model name, not a period.
    (re.compile(rf"(?P<qh>[QH])(?P<n>[1-4])(?:\s{_SHORT_YEAR}|'(?P<yy2>\d\d))?(?!\d)\b"), _quarter_or_half),
    (re.compile(rf"(?P<n>[1-4])(?P<qh>[QH])(?:\s?{_SHORT_YEAR})?\b"), _quarter_or_half),
    (
        re.compile(
            rf"(?P<ordinal>{_ORDINAL})(?:[- ](?P<quarter>quarter|Quarter)|\s+(?:half|two\s+quarters))"
            rf"{_OF_YEAR}\b"
        ),
        _ordinal_led,
    ),
    (
        re.compile(rf"(?:(?:fiscal|Fiscal)\s+(?:year\s+)?|FY\s?){_SHORT_YEAR}{_NOT_A_NUMBER}"),
        _fiscal_year,
    ),
    (
        re.compile(
            r"(?P<holiday>(?i:New Year[\u2019']s (?:Day|Eve)|Christmas (?:Day|Eve)|Boxing Day)"
            r"|Valentine[\u2019']s Day|Halloween|Bastille Day)\b"
        ),
        _holiday,
    ),
    (re.compile(rf"(?P<weekday>{'|'.join(_WEEKDAYS)})\b"), _weekday),
    (
        re.compile(
            r"(?P<rel>this|This|last|Last|next|Next|today|Today|yesterday|Yesterday|tomorrow|Tomorrow)(?:\s+(?P<unit>year|month))?\b"
        ),
        _relative,
    ),
]
