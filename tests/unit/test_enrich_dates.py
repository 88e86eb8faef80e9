"""Dates: surface forms, resolution against the publication date, and what is not a date."""

from __future__ import annotations

import pytest

from services.enrich.dates import find_dates

PUBLISHED = "2021-10-20T09:30:00Z"  # a Wednesday


def resolved(text: str, published_at: str | None = PUBLISHED) -> list[tuple[str, str | None, str]]:
    return [(d.text, d.value, d.granularity) for d in find_dates(text, published_at)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Tuesday, Oct. 19.", [("Tuesday", "2021-10-19", "day"), ("Oct. 19", "2021-10-19", "day")]),
        ("— leijun (@leijun) October 19, 2021", [("October 19, 2021", "2021-10-19", "day")]),
        ("It was in March when", [("March", "2021-03-01", "month")]),
        ("formally registered in late August.", [("late August", "2021-08-01", "month")]),
        ("By early September, the company", [("early September", "2021-09-01", "month")]),
        ("after establishing its EV firm in January.", [("January", "2021-01-01", "month")]),
        ("Aiming for mass production in 2024 H1.", [("2024 H1", "2024-01-01", "half")]),
        (
            "in the first two quarters of the year 2024.",
            [("the first two quarters of the year 2024", "2024-01-01", "half")],
        ),
        ("in the first two quarters of 2024", [("the first two quarters of 2024", "2024-01-01", "half")]),
        ("announced earlier this year", [("this year", "2021-01-01", "year")]),
    ],
)
def test_seed_date_forms_resolve_against_publication(text: str, expected: list[tuple[str, str, str]]) -> None:
    """Every date form of the seed, resolved as a news reader would on the publication day."""
    assert resolved(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q3 2024 results", ("Q3 2024", "2024-07-01", "quarter")),
        ("its 3Q24 profit", ("3Q24", "2024-07-01", "quarter")),
        ("the fourth quarter of 2023", ("the fourth quarter of 2023", "2023-10-01", "quarter")),
        ("H2 2025 guidance", ("H2 2025", "2025-07-01", "half")),
        ("The second half of 2024", ("The second half of 2024", "2024-07-01", "half")),
        ("due on 2024-03-15", ("2024-03-15", "2024-03-15", "day")),
        ("signed 15 March 2024", ("15 March 2024", "2024-03-15", "day")),
        ("since March 2024", ("March 2024", "2024-03-01", "month")),
        ("by late October 2020", ("late October 2020", "2020-10-01", "month")),
        ("in fiscal 2025", ("fiscal 2025", "2025-01-01", "year")),
        ("back in 2019,", ("2019", "2019-01-01", "year")),
    ],
)
def test_forms_with_a_year_resolve_without_publication(text: str, expected: tuple[str, str, str]) -> None:
    """A date that carries its year needs no publication date."""
    assert resolved(text, None) == [expected]


def test_forms_without_a_year_stay_unresolved_without_publication() -> None:
    """Tuesday, Oct. 19 or March cannot be placed in time without knowing when it was written."""
    assert [value for _, value, _ in resolved("On Tuesday, Oct. 19, and in March.", None)] == [None] * 3


def test_weekday_is_the_latest_on_or_before_publication() -> None:
    """News convention: 'Monday' in a Wednesday paper is two days earlier; 'Wednesday' is that day."""
    assert resolved("Monday and Wednesday") == [
        ("Monday", "2021-10-18", "day"),
        ("Wednesday", "2021-10-20", "day"),
    ]


def test_month_after_publication_month_is_last_year() -> None:
    """'in November' written in October 2021 means November 2020."""
    assert resolved("sales in November") == [("November", "2020-11-01", "month")]


def test_day_and_month_take_the_publication_year() -> None:
    """'Dec. 5' written in October 2021 is 2021-12-05 (an upcoming date)."""
    assert resolved("meets on Dec. 5") == [("Dec. 5", "2021-12-05", "day")]


def test_quarter_without_a_year_is_the_latest_begun() -> None:
    """'fourth-quarter' results published in February are last year's."""
    assert resolved("fourth-quarter profit", "2022-02-01") == [("fourth-quarter", "2021-10-01", "quarter")]


@pytest.mark.parametrize(
    "text",
    [
        "in the next ten years",
        "it had 300 employees",
        "He scored 2,024 points and paid $2024",
        "In the first half, he scored twice",
        "Prices may rise. May I ask?",
        "April Walsh said so",
        "H1N1 cases and Q5 results",
        "March 45 or Feb. 30",
    ],
)
def test_phrases_that_are_not_dates(text: str) -> None:
    """Durations, counts, amounts, sport halves, verbs, names and impossible days are not dates."""
    assert resolved(text) == []


def test_malformed_publication_date_is_ignored() -> None:
    """An unreadable published_at leaves relative dates unresolved rather than failing."""
    assert resolved("on Tuesday", "yesterday-ish") == [("Tuesday", None, "day")]


@pytest.mark.parametrize("text", ["sales of its H100 chips", "the Q35 chipset", "an H20 processor"])
def test_model_names_are_not_quarters_or_halves(text: str) -> None:
    """A digit right after 'H1' or 'Q3' makes a model name, not a period."""
    assert find_dates(text, "2024-03-01T00:00:00Z") == []


def test_fixed_date_holidays_are_days() -> None:
    """'New Year's Day' is 1 January, the latest one on or before publication."""
    [day] = find_dates("struck on New Year's Day, killing dozens", "2024-01-02T08:00:00Z")
    assert (day.text, day.value, day.granularity) == ("New Year's Day", "2024-01-01", "day")
