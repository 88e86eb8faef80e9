"""The load script runs end to end on a small store and stops by itself with every figure."""

from __future__ import annotations

import orjson
import pytest

from services.web import load

pytestmark = pytest.mark.slow


def test_the_load_script_measures_search_and_article_and_stops(capsys: pytest.CaptureFixture[str]) -> None:
    """200 synthetic articles, 5 clients, 60 requests per endpoint: all answered 200, p50 <= p99."""
    assert load.main(["--articles", "200", "--clients", "5", "--requests", "60", "--json"]) == 0
    figures = orjson.loads(capsys.readouterr().out)
    for kind in ("search", "article"):
        assert figures[kind]["count"] == 60 and figures[kind]["failed"] == 0
        assert 0 < figures[kind]["p50"] <= figures[kind]["p99"]
    assert figures["articles"] == 200 and "browser_tests_s" not in figures
