"""The web's pure parts: rates from samples, chart geometry, cursors, what counts as loopback."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from services.web import charts, params
from services.web.rates import RateTracker
from services.web.security import is_loopback


def test_a_rate_needs_an_earlier_sample_and_compares_with_the_oldest_in_the_window() -> None:
    """First read: no rate; later reads: growth over time since the oldest sample still in the window."""
    rates = RateTracker(window_s=10)
    assert rates.record(0.0, {"a": 0}) == {"a": None}
    assert rates.record(2.0, {"a": 10, "b": 5}) == {"a": 5.0, "b": None}
    assert rates.record(20.0, {"a": 100}) == {"a": None}  # every older sample left the window
    assert rates.record(24.0, {"a": 120}) == {"a": 5.0}


def test_a_counter_that_went_down_is_a_rate_of_zero_not_negative() -> None:
    """A stream recreated from empty (server flushed) does not make a negative rate."""
    rates = RateTracker()
    rates.record(0.0, {"a": 50})
    assert rates.record(1.0, {"a": 3}) == {"a": 0.0}


def test_bars_scale_to_the_largest_value_and_months_fill_the_gaps() -> None:
    """Missing months become zero bars; the tallest bar fills the plot."""
    points = charts.months_between([("2024-11", 2), ("2025-02", 4), ("bad", 9)])
    assert points == [("2024-11", 2), ("2024-12", 0), ("2025-01", 0), ("2025-02", 4)]
    bars = charts.bars(points)
    assert [b.value for b in bars] == [2, 0, 0, 4]
    assert bars[3].height == charts.HEIGHT - charts.AXIS and bars[0].height == bars[3].height / 2
    assert bars[-1].x + bars[-1].width <= charts.WIDTH - charts.MARGIN
    assert charts.bars([]) == []


def test_a_cursor_round_trips_and_a_made_up_one_is_400() -> None:
    """Cursors are this server's own: anything else is a clear 400."""
    cursor = params.cursor_for(40)
    assert cursor is not None and params.offset_of(cursor) == 40
    assert params.offset_of(None) == 0
    assert params.cursor_for(params.MAX_OFFSET + 1) is None
    for bad in ("x", "bzk5OTk5OTk", params.cursor_for(0)[:-1] + "!"):  # type: ignore[index]
        with pytest.raises(HTTPException) as caught:
            params.offset_of(bad)
        assert caught.value.status_code == 400


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
     ("192.168.1.5", False), ("example.com", False), ("", False)],
)  # fmt: skip
def test_loopback_is_127_0_0_0_8_localhost_and_ipv6_one(host: str, loopback: bool) -> None:
    """Only these keep the write endpoints open without a token."""
    assert is_loopback(host) is loopback
