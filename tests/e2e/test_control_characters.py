"""Control characters in an article: cleaned on the first delivery, never echoed raw to a terminal.

Before, ESC, BEL and backspace beside a ``<script>`` made clean's lxml raise ("All strings must be
XML compatible"): five slow deliveries and a dead letter no retry could help.
"""

from __future__ import annotations

import signal
from pathlib import Path

import orjson
import pytest

from tests.e2e.conftest import Cli, eventually
from tests.e2e.test_cli import projected, stop

RAW_CONTROLS = ("\x1b", "\x07", "\x08", "\x00", "\x9b")
ARTICLE = {
    "title": "Markets \x1b[2J ring \x07 the bell",
    "source": "Wire\x1b[31m red",
    "url": "https://example.com/markets/bell",
    "body": "Stocks rose \x1b[1m sharply\x08 on Monday \x07 as traders cheered. <script>alert(1)</script>"
    "The index closed at a record high after the central bank held rates.",
}


@pytest.mark.redis
@pytest.mark.slow
def test_an_article_full_of_control_characters_is_cleaned_at_once_and_printed_safely(
    cli: Cli, tmp_path: Path
) -> None:
    """Projected without a retry or a dead letter; article and search print no raw control character."""
    (tmp_path / "article.json").write_bytes(orjson.dumps(ARTICLE))
    up = cli.start("up", log=tmp_path / "up.log")
    try:
        published = cli.run("publish", str(tmp_path / "article.json"), "--json").json()
        eventually(lambda: projected(cli, published["correlation_ids"]), "the article to be projected", 20)
        [hit] = cli.run("search", "stocks", "--json").json()
        shown = cli.run("article", hit["article_id"])
        found = cli.run("search", "stocks")
        letters = cli.run("dlq", "list", "--json").json()
        status = cli.run("status", "--json").json()
    finally:
        code = stop(up, signal.SIGTERM, within=30.0)
    assert code == 0, (tmp_path / "up.log").read_text(errors="replace")[-3000:]
    assert letters == []
    clean_group = next(g for row in status for g in row["groups"] if g["name"] == "clean")
    assert clean_group["pending"] == 0
    assert shown.code == 0 and found.code == 0
    assert "Stocks rose" in shown.stdout and "\u241b" in shown.stdout, "the source's ESC shown, not sent"
    for out in (shown.stdout, found.stdout):
        assert not any(c in out for c in RAW_CONTROLS)
