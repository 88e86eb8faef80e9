"""The CLI at its edges: a closed output pipe, lookups that find nothing, unreadable and non-UTF-8 input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

from services.common.events.facts import Topic
from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events
from tests.e2e.conftest import REPO, Cli, command

ECONOMY = Topic(code="medtop:04000000", label="economy, business and finance", score=0.9)


def with_closed_stdout(cli: Cli, *args: str) -> tuple[int, str]:
    """Run a command whose reader has gone away before it writes (as `| head` does); (code, stderr)."""
    with subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.env, cwd=REPO
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        return proc.wait(timeout=60), stderr


@pytest.mark.parametrize("args", [("analyze", "seeds/", "--json"), ("analyze", "seeds/")])
def test_a_closed_output_pipe_ends_the_command_quietly(offline: Cli, args: tuple[str, ...]) -> None:
    """`newsfacts … | head`: once the reader is gone the command stops without a BrokenPipeError traceback."""
    code, stderr = with_closed_stdout(offline, *args)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert code == 141


@pytest.mark.redis
def test_status_into_a_closed_pipe_ends_quietly(cli: Cli) -> None:
    """`newsfacts status | head` on a running server: no traceback when head has gone."""
    code, stderr = with_closed_stdout(cli, "status")
    assert (code, stderr) == (141, "")


def test_topics_of_an_unknown_topic_exits_1_like_every_other_lookup(offline: Cli) -> None:
    """A topic no article has is not found (exit 1, said on stderr); a topic some article has exits 0."""
    path = offline.readmodel_path
    path.parent.mkdir(parents=True)
    spec = ArticleSpec("a-rates", "Rates rise", "The central bank raised rates.", (ECONOMY,))
    with ReadModelStore.open(path) as store:
        store.apply_batch(LogBuilder().entries(article_events(spec)))
    missing = offline.run("topics", "no such topic")
    assert (missing.code, missing.stdout) == (1, "")
    assert missing.stderr.startswith("newsfacts: no articles under topic 'no such topic'")
    assert offline.run("topics", "no such topic", "--json").code == 1
    found = offline.run("topics", ECONOMY.code, "--json")
    assert [a["article_id"] for a in found.json()] == ["a-rates"]


@pytest.mark.redis
def test_a_folder_publish_skips_unreadable_files_naming_each_and_counting_what_was_sent(
    cli: Cli, tmp_path: Path
) -> None:
    """An I/O error and a broken link are each named and skipped; the rest is sent; exit 2 says so."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.json").write_bytes(b'{"title": "Rates rise", "body": "The bank raised rates."}')
    (folder / "b-eio.json").symlink_to("/proc/self/mem")
    (folder / "c-broken.txt").symlink_to(folder / "gone.txt")
    (folder / "d.txt").write_bytes(b"Oil falls\n\nPrices fell.")
    result = cli.run("publish", str(folder), "--json")
    assert result.code == 2, result.stderr
    out = orjson.loads(result.stdout)
    assert out["sent"] == 2
    assert out["skipped"] == [
        {"path": str(folder / "b-eio.json"), "error": "cannot be read: Input/output error"},
        {"path": str(folder / "c-broken.txt"), "error": f"a broken link to {folder / 'gone.txt'}"},
    ]
    assert "2 file(s) could not be read and were skipped; 2 item(s) sent" in result.stderr
    text = cli.run("publish", str(folder))
    assert text.code == 2
    assert f"error: {folder / 'b-eio.json'}: cannot be read: Input/output error; skipped" in text.stderr
    assert "published 2 item(s)" in text.stdout
