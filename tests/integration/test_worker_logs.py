"""A worker's log through a server restart and a clean stop: one JSON warning per failed read, no errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis

from services.common import server
from services.common.envelope import encode, make_event, new_id
from services.common.events.intake import ArticleSubmittedV1
from services.common.names import EVENT_FIELD, Names
from services.common.settings import Settings
from tests.e2e.conftest import REPO, clean_environment, eventually, terminate

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def records(log: Path) -> list[dict[str, Any]]:
    """Every line of the log as JSON (a line that is not JSON fails here)."""
    return [orjson.loads(line) for line in log.read_text(errors="replace").splitlines()]


def logged(log: Path, event: str) -> list[dict[str, Any]]:
    return [r for r in records(log) if r.get("event") == event]


def submit(url: str, names: Names, title: str) -> None:
    event = make_event(
        "article.submitted", ArticleSubmittedV1(title=title, body="Rates rose."), source="test",
        stageversion="test/0", subject=None, correlationid=new_id(), causationid=None,
    )  # fmt: skip
    client = redis.Redis.from_url(url)
    try:
        client.xadd(names.input_stream("ingest"), {EVENT_FIELD: encode(event)})
    finally:
        client.close()


def ingested(url: str, names: Names) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(client.xlen(names.stream("ingested")))
    finally:
        client.close()


def test_a_server_restart_logs_one_warning_per_failed_read_and_the_stop_no_error(
    own_server: Settings, tmp_path: Path
) -> None:
    """Kill the server under a worker and start it again: warnings (one JSON line each), then work, exit 0."""
    srv = server.ensure_server(own_server)
    names = Names("logs")
    env = clean_environment(
        REDIS_URL=srv.url, NEWSFACTS_PREFIX=names.prefix, NEWSFACTS_DATA_DIR=str(tmp_path / "data"),
        NEWSFACTS_LOG_FORMAT="json", NEWSFACTS_LOG_LEVEL="info", NEWSFACTS_BLOCK_MS="20",
    )  # fmt: skip
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "worker", "ingest"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO,
        )  # fmt: skip
    try:
        eventually(lambda: logged(log, "worker starting"), "the worker to start", 60.0)
        submit(srv.url, names, "before")
        eventually(lambda: ingested(srv.url, names) == 1, "the first article ingested")
        os.kill(srv.pid, signal.SIGKILL)
        eventually(lambda: server.running(own_server) is None, "the killed server to stop answering")
        eventually(lambda: len(logged(log, "server unreachable; retrying")) >= 2, "reads failing", 30.0)
        server.ensure_server(own_server)
        submit(srv.url, names, "after")
        eventually(lambda: ingested(srv.url, names) == 2, "an article ingested after the restart", 60.0)
    finally:
        code = terminate(worker)
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    warnings = logged(log, "server unreachable; retrying")
    assert all(w["level"] == "warning" and "exception" not in w for w in warnings), warnings[:2]
    assert all(w["error"].startswith("ConnectionError") for w in warnings), warnings[:2]
    assert "Traceback" not in text
    assert [r for r in records(log) if r.get("level") in ("error", "critical")] == []
    assert logged(log, "worker stopped")
