"""Correct, retract, history, lineage and shadow reprocess as a user runs them."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import orjson
import pytest

from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events
from tests.e2e.conftest import Cli, eventually
from tests.e2e.test_cli import projected, publish_one, stop

ARTICLE = {
    "title": "United win the final",
    "url": "https://example.com/sport/final",
    "source": "Wire",
    "body": "Manchester United won the cup final at Wembley on Saturday. The striker scored twice and "
    "the coach praised the players.",
}
CORRECTED = {
    "title": "United win the final",
    "body": "Manchester United won the cup final at Wembley on Saturday, and the club's shares rose five "
    "percent as investors cheered.",
}


def _article(cli: Cli, article_id: str) -> Any:
    return cli.run("article", article_id, "--json").json()


@pytest.mark.redis
@pytest.mark.slow
def test_a_user_corrects_inspects_and_retracts_an_article(cli: Cli, tmp_path: Path) -> None:
    """correct reruns the stages; --history and lineage show both versions; retract removes it for good."""
    (tmp_path / "article.json").write_bytes(orjson.dumps(ARTICLE))
    (tmp_path / "fixed.json").write_bytes(orjson.dumps(CORRECTED))
    up = cli.start("up", log=tmp_path / "up.log")
    try:
        article_id = publish_one(cli, tmp_path / "article.json", "Wembley")
        first = _article(cli, article_id)

        fixed = cli.run(
            "correct", article_id, str(tmp_path / "fixed.json"), "--note", "shares", "--json"
        ).json()
        assert (fixed["type"], fixed["article_id"]) == ("article.corrected", article_id)
        eventually(lambda: projected(cli, [fixed["correlation_id"]]), "the correction to be projected")
        second = _article(cli, article_id)
        history = cli.run("article", article_id, "--history")
        lineage = cli.run("lineage", article_id, "--json").json()
        tree = cli.run("lineage", article_id)
        shadow = cli.run("replay", "reprocess", "--stage", "classify", "--shadow", "--json").json()

        retracted = cli.run("retract", article_id, "--reason", "never played", "--json").json()
        eventually(lambda: _article(cli, article_id)["retracted"], "the retraction to be projected")
        gone_text = cli.run("article", article_id)
        again = cli.run("retract", article_id, "--reason", "twice")
        search = cli.run("search", "Wembley", "--json").json()
    finally:
        code = stop(up, signal.SIGTERM, within=30.0)
    assert code == 0, (tmp_path / "up.log").read_text(errors="replace")[-3000:]

    assert second["content_hash"] != first["content_hash"]
    assert (second["url"], second["source"]) == (ARTICLE["url"], "Wire"), "kept from the current version"
    assert "shares rose five percent" in second["text"]
    assert history.code == 0
    assert history.stdout.count("article.classified") == 2
    assert history.stdout.count("\n       topics: ") == 2, (
        "each classified version's topics, fetched from the log"
    )
    assert [r["type"] for r in lineage["roots"]] == ["article.submitted", "article.corrected"]
    assert lineage["roots"][1]["note"] == "shares"
    assert "└─ ingested" in tree.stdout
    assert " *" in tree.stdout
    assert (shadow["selected"], shadow["diff"]["changed"]) == (1, 0), "the same code changes nothing"
    assert retracted["type"] == "article.retracted"
    assert gone_text.code == 0
    assert f"article {article_id} was retracted at " in gone_text.stdout
    assert "never played" in gone_text.stdout
    assert again.code == 1
    assert "was retracted" in again.stderr
    assert search == []


def _empty_store(cli: Cli) -> None:
    path = cli.readmodel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    ReadModelStore.open(path).close()


def test_retract_needs_a_reason(offline: Cli) -> None:
    """A retraction without --reason is a usage error."""
    result = offline.run("retract", "a123")
    assert result.code == 2
    assert "--reason" in result.stderr


def test_retracting_an_unknown_article_exits_1_and_suggests_force(offline: Cli) -> None:
    """With read models that do not know the id, nothing is sent: exit 1, naming --force."""
    _empty_store(offline)
    result = offline.run("retract", "a123", "--reason", "typo?")
    assert result.code == 1
    assert "no article 'a123'" in result.stderr
    assert "--force" in result.stderr


def test_a_correction_without_content_is_refused_before_connecting(offline: Cli, tmp_path: Path) -> None:
    """A correction file with no title, body or html exits 2 with the reason, whatever the server."""
    empty = tmp_path / "empty.json"
    empty.write_bytes(orjson.dumps({"url": "https://example.com/x"}))
    result = offline.run("correct", "a123", str(empty), "--force")
    assert result.code == 2
    assert result.stderr.startswith("newsfacts: cannot correct: ")


def test_a_correction_file_that_is_missing_exits_2(offline: Cli) -> None:
    """A mistyped path is reported as such."""
    result = offline.run("correct", "a123", "/no/such/file.json")
    assert (result.code, result.stderr.strip()) == (
        2,
        "newsfacts: /no/such/file.json: no such file or folder",
    )


def test_lineage_of_an_unknown_article_exits_1(offline: Cli) -> None:
    """`lineage` with an id no event named exits 1 and says so."""
    _empty_store(offline)
    result = offline.run("lineage", "nonexistent")
    assert (result.code, result.stderr.strip()) == (1, "newsfacts: no article 'nonexistent'")


def test_swap_without_shadow_is_a_usage_error(offline: Cli) -> None:
    """--swap only makes sense after a shadow's diff."""
    result = offline.run("replay", "reprocess", "--stage", "classify", "--swap")
    assert result.code == 2
    assert "--swap goes with --shadow" in result.stderr


def test_made_by_names_a_known_stage(offline: Cli) -> None:
    """--made-by STAGE/VERSION refuses a stage that does not exist."""
    result = offline.run("replay", "reprocess", "--stage", "enrich", "--made-by", "klassify/1.0.0")
    assert result.code == 2
    assert "--made-by takes VERSION or STAGE/VERSION" in result.stderr


def test_replay_checksum_prints_the_digest_of_a_store(offline: Cli) -> None:
    """`replay checksum` gives the same digest a store's own checksum() does, without a server."""
    _empty_store(offline)
    with ReadModelStore.open(offline.readmodel_path) as store:
        expected = store.checksum()
    result = offline.run("replay", "checksum")
    assert (result.code, result.stdout.strip()) == (0, expected)


def test_history_without_a_server_shows_the_index_and_says_why_data_is_missing(offline: Cli) -> None:
    """--history needs the log only for each event's data: without a server it lists the facts anyway."""
    _empty_store(offline)
    spec = ArticleSpec("a1", "Rates rise", "The bank raised rates.")
    with ReadModelStore.open(offline.readmodel_path) as store:
        store.apply_batch(LogBuilder().entries(article_events(spec)))
    result = offline.run("article", "a1", "--history")
    assert result.code == 0, result.stderr
    assert "history: 5 event(s), oldest first" in result.stdout
    assert result.stdout.count(" * ") == 5
    assert "event data not shown" in result.stderr
