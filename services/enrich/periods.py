"""Calendar arithmetic for date mentions: period starts and dates relative to publication."""

from __future__ import annotations

from datetime import date, timedelta


def ymd(year: int, month: int, day: int = 1) -> date | None:
    """The date, or None when it does not exist ('Feb. 30')."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def published(published_at: str | None) -> date | None:
    """The publication day of an ISO timestamp; None when absent or unreadable."""
    try:
        return date.fromisoformat(published_at[:10]) if published_at else None
    except ValueError:
        return None


def latest_begun(pub: date | None, month: int) -> date | None:
    """Start of the latest period beginning in this month that has begun by publication."""
    if pub is None:
        return None
    return ymd(pub.year if month <= pub.month else pub.year - 1, month)


def period_start(number: int, months: int, year: int | None, pub: date | None) -> date | None:
    """Start of the number-th period of so many months (quarter: 3, half: 6)."""
    month = (number - 1) * months + 1
    return ymd(year, month) if year else latest_begun(pub, month)


def weekday_on_or_before(pub: date, weekday: int) -> date:
    """News convention: 'Tuesday' is the latest Tuesday on or before publication."""
    return pub - timedelta(days=(pub.weekday() - weekday) % 7)


def shifted(pub: date, unit: str, step: int) -> date | None:
    """Start of the year, month or day so many steps away from publication."""
    if unit == "year":
        return ymd(pub.year + step, 1)
    if unit == "month":
        months = pub.year * 12 + pub.month - 1 + step
        return ymd(months // 12, months % 12 + 1)
    return pub + timedelta(days=step)
