"""A failing projector is visible: ``up`` backs off and says so, ``status`` shows its error, readers
say what is wrong with the store instead of answering from it as if all were well."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Cli, eventually
from tests.e2e.test_cli import stop

pytestmark = pytest.mark.redis


def _projector(cli: Cli) -> Any:
    rows = cli.run("status", "--json").json()
    return next(r["projector"] for r in rows if r["stream"] == "projector")


def test_a_crash_looping_projector_backs_off_and_shows_in_status(cli: Cli, tmp_path: Path) -> None:
    """A store that is not SQLite: up restarts the projector after 1 s, then 2 s; status names the error."""
    store = cli.readmodel_path
    store.parent.mkdir(parents=True)
    store.write_bytes(b"this is not a database, it is a text file\n" * 100)
    log = tmp_path / "up.log"
    up = cli.start("up", "--scale", "ingest=0", "--scale", "clean=0", "--scale", "classify=0",
                   "--scale", "enrich=0", "--scale", "index=0", log=log)  # fmt: skip
    try:
        eventually(lambda: "restarting it in 2 s" in log.read_text(), "the second restart's backoff", 40)
        projector = eventually(lambda: (p := _projector(cli))["restarts"] >= 1 and p, "a recorded restart")
        text = cli.run("status")
        search = cli.run("search", "anything")
    finally:
        code = stop(up, signal.SIGTERM, within=30.0)
    assert code is not None
    shown = log.read_text()
    assert "worker projector exited with 1; restarting it in 1 s (restart 1" in shown
    assert "file is not a database" in projector["last_error"] and not projector["alive"]
    assert "projector: " in text.stdout and "file is not a database" in text.stdout
    assert search.code == 4 and "is not a newsfacts read store" in search.stderr
    assert "Traceback" not in search.stderr


def test_a_reader_warns_when_the_store_is_behind_and_no_projector_runs(cli: Cli) -> None:
    """The log moved on after the last fold and nothing is folding it: the answer says it may be stale."""
    assert cli.run("publish", "-", stdin=b'{"title": "First", "body": "One two three."}').code == 0
    assert cli.run("replay", "rebuild").code == 0
    caught_up = cli.run("topics")
    assert cli.run("publish", "-", stdin=b'{"title": "Second", "body": "Four five six."}').code == 0
    behind = cli.run("search", "second")
    assert caught_up.code == 0 and "behind" not in caught_up.stderr
    assert behind.code == 0
    assert "1 log entries behind and no projector is folding them" in behind.stderr


def test_a_missing_store_is_named_with_what_to_do(cli: Cli) -> None:
    """No store yet: exit 1, its path and how to make one; no traceback."""
    missing = cli.run("search", "anything")
    assert missing.code == 1 and f"no read models at {cli.readmodel_path}" in missing.stderr
    assert "newsfacts up" in missing.stderr and "Traceback" not in missing.stderr


def test_a_store_that_cannot_be_opened_is_named_with_the_reason(cli: Cli) -> None:
    """SQLite cannot open it (here a directory where the file should be): exit 4, the reason, no traceback."""
    cli.readmodel_path.mkdir(parents=True)
    unreadable = cli.run("article", "anything")
    assert unreadable.code == 4 and f"cannot read the read store {cli.readmodel_path}" in unreadable.stderr
    assert "Traceback" not in unreadable.stderr
