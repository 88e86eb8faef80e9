"""Date mentions ('Oct. 19', 'late August', '2024 H1', 'Tuesday') resolved against publication.

Forms without a year take it from the publication date (news convention): a weekday is the most
recent such day on or before publication, a month (or quarter, half) alone is the latest one that
has begun by publication, a day and month ('Oct. 19') is in the publication year. Without a
publication date only forms that carry a year are resolved; the others keep value None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

from services.common.events.facts import DateMention

Granularity = Literal["day", "month", "quarter", "half", "year", "unknown"]
Resolved = tuple[date | None, Granularity]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH = rf"(?P<month>{_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_SHORT_YEAR = r"(?:(?P<year2>1[89]\d\d|20\d\d)|'?(?P<yy>\d\d))"
_OF_YEAR = rf"(?:\s+of\s+(?:the\s+year\s+)?{_YEAR}|\s+of\s+(?:the|this)\s+year)?"
_ORDINAL = r"(?P<ordinal>[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|1st|2nd|3rd|4th)"
_END = r"(?![\w])"
# Before a bare month these words make it a date; otherwise 'May' is usually the verb.
_MONTH_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|by|until|through|from|of|early|mid|late|last|next|this))[\s-]$"
)


def _ymd(year: int, month: int, day: int = 1) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(match: re.Match[str]) -> int:
    return _MONTHS[match["month"][:3].lower()]


def _latest_begun(pub: date | None, month: int) -> date | None:
    """The latest period starting in this month that has begun by publication."""
    if pub is None:
        return None
    return _ymd(pub.year if month <= pub.month else pub.year - 1, month)


def _year(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    year = groups.get("year") or groups.get("year2")
    if year:
        return int(year)
    return 2000 + int(groups["yy"]) if groups.get("yy") else None


def _iso_day(match: re.Match[str], pub: date | None) -> Resolved:
    return _ymd(int(match["year"]), int(match["m"]), int(match["day"])), "day"


def _full_day(match: re.Match[str], pub: date | None) -> Resolved:
    return _ymd(int(match["year"]), _month(match), int(match["day"])), "day"


def _day_no_year(match: re.Match[str], pub: date | None) -> Resolved:
    return (_ymd(pub.year, _month(match), int(match["day"])) if pub else None), "day"


def _month_year(match: re.Match[str], pub: date | None) -> Resolved:
    return _ymd(int(match["year"]), _month(match)), "month"


def _month_only(match: re.Match[str], pub: date | None) -> Resolved | None:
    before = match.string[max(0, match.start() - 8) : match.start()]
    # Alone, 'May' is usually the verb and 'April Walsh' a person.
    ambiguous = match["month"] == "May" or re.match(r" [A-Z][a-z]", match.string[match.end() :])
    if ambiguous and not match["part"] and not _MONTH_CONTEXT.search(before):
        return None
    return _latest_begun(pub, _month(match)), "month"


def _period(number: int, size: int, match: re.Match[str], pub: date | None) -> date | None:
    """Start of the number-th period of size months, in the stated or latest begun year."""
    month = (number - 1) * size + 1
    year = _year(match)
    return _ymd(year, month) if year else _latest_begun(pub, month)


def _quarter(match: re.Match[str], pub: date | None) -> Resolved:
    groups = match.groupdict()
    number = int(groups["q"]) if groups.get("q") else _ORDINALS[groups["ordinal"].lower()]
    return _period(number, 3, match, pub), "quarter"


def _half(match: re.Match[str], pub: date | None) -> Resolved:
    words, h = match.group().lower(), match.groupdict().get("h")
    first = h == "1" if h else ("first" in words and "half" in words) or "first two" in words
    return _period(1 if first else 2, 6, match, pub), "half"


def _year_only(match: re.Match[str], pub: date | None) -> Resolved:
    return _ymd(int(match["year"]), 1), "year"


def _weekday(match: re.Match[str], pub: date | None) -> Resolved:
    following = _AFTER_WEEKDAY.match(match.string, match.end())
    if following:  # 'Tuesday, Oct. 19' is that day, whatever the publication date
        return (_full_day if following["year"] else _day_no_year)(following, pub)
    if pub is None:
        return None, "day"
    return pub - timedelta(days=(pub.weekday() - _WEEKDAYS.index(match["weekday"])) % 7), "day"


def _relative(match: re.Match[str], pub: date | None) -> Resolved:
    word, unit = match["rel"].lower(), match["unit"] or "day"
    if pub is None:
        return None, "year" if unit == "year" else "month" if unit == "month" else "day"
    step = {"this": 0, "last": -1, "next": 1, "today": 0, "yesterday": -1, "tomorrow": 1}[word]
    if unit == "year":
        return _ymd(pub.year + step, 1), "year"
    if unit == "month":
        months = pub.year * 12 + pub.month - 1 + step
        return _ymd(months // 12, months % 12 + 1), "month"
    return pub + timedelta(days=step), "day"


def _published(published_at: str | None) -> date | None:
    try:
        return date.fromisoformat(published_at[:10]) if published_at else None
    except ValueError:
        return None


def _left_edge_ok(text: str, start: int) -> bool:
    """Checked here, not in the patterns: a leading lookbehind would defeat re's prefix scan."""
    before = text[start - 1] if start else " "
    return not before.isalnum() and before not in "$\u20ac\u00a3\u00a5/_-" + (
        ".," if text[start].isdigit() else ""
    )


def find_dates(text: str, published_at: str | None) -> list[DateMention]:
    """Date mentions in text, longest form first where they overlap, in text order."""
    pub = _published(published_at)
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


_AFTER_WEEKDAY = re.compile(rf",?\s+{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?(?![\d:])")
_THE = re.compile(r"[Tt]he\s+$")
_HALF_WORDS = r"(?:(?:[Ff]irst|[Ss]econd)\s+half|(?:[Ff]irst|[Ll]ast|[Ff]inal)\s+two\s+quarters)"
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str], date | None], Resolved | None]]] = [
    (re.compile(rf"{_YEAR}-(?P<m>0[1-9]|1[0-2])-{_DAY}\b"), _iso_day),
    (re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"), _full_day),
    (re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"), _full_day),
    (re.compile(rf"{_MONTH}\s+{_DAY}(?![\d:])"), _day_no_year),
    (re.compile(rf"{_DAY}\s+(?:of\s+)?(?P<month>{_FULL}){_END}"), _day_no_year),
    (re.compile(rf"(?P<month>{_FULL}),?\s+(?:of\s+)?{_YEAR}\b"), _month_year),
    (
        re.compile(rf"(?P<part>[Ee]arly|[Mm]id|[Ll]ate)[- ](?P<month>{_FULL}),?\s+(?:of\s+)?{_YEAR}\b"),
        _month_year,
    ),
    (re.compile(rf"(?P<month>{_FULL}){_END}(?P<part>)"), _month_only),
    (re.compile(rf"(?P<part>[Ee]arly|[Mm]id|[Ll]ate)[- ](?P<month>{_FULL}){_END}"), _month_only),
    (re.compile(rf"Q(?P<q>[1-4])(?:\s?{_SHORT_YEAR})?{_END}"), _quarter),
    (re.compile(rf"{_YEAR}\s?Q(?P<q>[1-4]){_END}"), _quarter),
    (re.compile(rf"(?P<q>[1-4])Q(?:\s?{_SHORT_YEAR})?{_END}"), _quarter),
    (re.compile(rf"{_ORDINAL}[- ](?:quarter|Quarter){_OF_YEAR}{_END}"), _quarter),
    (re.compile(rf"H(?P<h>[12])(?:\s?{_SHORT_YEAR})?{_END}"), _half),
    (re.compile(rf"{_YEAR}\s?H(?P<h>[12]){_END}"), _half),
    (re.compile(rf"{_HALF_WORDS}\s+of\s+(?:the\s+year\s+)?{_YEAR}{_END}"), _half),
    (re.compile(rf"{_HALF_WORDS}\s+of\s+(?:the|this)\s+year{_END}"), _half),
    (re.compile(rf"{_YEAR}(?![\w%]|[.,]\d|-\d)"), _year_only),
    (re.compile(rf"[Ff]iscal\s+(?:year\s+)?{_YEAR}(?![\w%]|[.,]\d|-\d)"), _year_only),
    (re.compile(rf"(?P<weekday>{'|'.join(_WEEKDAYS)}){_END}"), _weekday),
    (re.compile(r"(?P<rel>[Tt]his|[Ll]ast|[Nn]ext)\s+(?P<unit>year|month)\b"), _relative),
    (re.compile(r"(?P<rel>[Tt]oday|[Yy]esterday|[Tt]omorrow)\b(?P<unit>)"), _relative),
]
