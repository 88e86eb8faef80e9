"""Probe ports of the processes a user starts: `worker` against a server that stops and restarts, and `up`."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from services.common import server
from services.common.settings import Settings
from tests.e2e.conftest import Cli, clean_environment, eventually, terminate
from tests.probing import free_port, get, taken_port

pytestmark = pytest.mark.redis


def printed(log: Path, start: str) -> str | None:
    """The first complete JSON log line whose event starts with ``start``."""
    for line in log.read_text().splitlines(keepends=True):
        if line.endswith("\n") and (event := orjson.loads(line).get("event", "")).startswith(start):
            return str(event)
    return None


@pytest.mark.parametrize("role", ["classify", "projector"])
def test_readyz_is_503_while_the_server_is_down_and_200_once_it_is_back(role: str, tmp_path: Path) -> None:
    """A worker (and the projector) on the embedded server: ready; the server stopped: 503 and still
    live; restarted on its port: ready again, and SIGTERM still stops it with exit 0."""
    data, embedded, port = tmp_path / "data", free_port(), free_port()
    settings = Settings(data_dir=data, embedded_port=embedded)
    server.ensure_server(settings)
    env = clean_environment(
        NEWSFACTS_DATA_DIR=str(data), NEWSFACTS_EMBEDDED_PORT=str(embedded), NEWSFACTS_METRICS_PORT=str(port)
    )
    cli = Cli(env, data, "nf")
    worker = cli.start("worker", role, log=tmp_path / "worker.log")
    try:
        eventually(lambda: get(port, "/readyz") == (200, "ready\n"), "the worker to be ready")
        assert server.stop_server(settings), "the embedded server was not found running"
        answers: list[tuple[int, str]] = []

        def unready() -> bool:
            answers.append(get(port, "/readyz"))
            return answers[-1][0] == 503

        try:
            eventually(unready, "readyz to turn 503")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last answers {answers[-3:]}") from None
        assert answers[-1] == (503, "not ready: server unreachable (ConnectionError)\n")
        assert get(port, "/healthz") == (200, "ok\n"), "the process is alive while the server is down"
        server.ensure_server(settings)
        eventually(lambda: get(port, "/readyz") == (200, "ready\n"), "readyz to turn 200 again")
    finally:
        code = terminate(worker)
        server.stop_server(settings)
    assert code == 0, (tmp_path / "worker.log").read_text()


def test_worker_refuses_a_metrics_port_in_use_with_exit_2(cli: Cli) -> None:
    """A metrics port another process holds: exit 2, the address and the setting named, no traceback."""
    with taken_port() as port:
        result = cli.with_env(NEWSFACTS_METRICS_PORT=str(port)).run("worker", "index")
    assert result.code == 2, result.stderr
    assert f"127.0.0.1:{port} is in use" in result.stderr and "NEWSFACTS_METRICS_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_up_gives_every_process_its_own_port_and_names_it(cli: Cli, tmp_path: Path) -> None:
    """`up` with NEWSFACTS_METRICS_PORT=B: child i serves on B+i, the ports are printed per role, and each
    process is ready and reports its own stage; SIGTERM still stops everything with exit 0."""
    base = free_port()
    while any(get(p, "/healthz", timeout=1.0)[0] for p in range(base, base + 7)):
        base = free_port()
    log = tmp_path / "up.log"
    up = cli.with_env(NEWSFACTS_METRICS_PORT=str(base), NEWSFACTS_LOG_FORMAT="json").start(
        "up", "--scale", "enrich=2", log=log
    )
    try:
        line = eventually(lambda: printed(log, "metrics and probes"), "up to print the ports")
        roles = dict(pair.split(" ")[::-1] for pair in line.partition("): ")[2].split(", "))
        expected = ["ingest", "clean", "classify", "enrich", "enrich", "index", "projector"]
        assert [roles[str(base + n)] for n in range(7)] == expected
        for n, role in enumerate(expected):
            eventually(lambda n=n: get(base + n, "/readyz")[0] == 200, f"{role} on {base + n} to be ready")
            _, text = get(base + n, "/metrics")
            family = (
                "newsfacts_projector_"
                if role == "projector"
                else f'newsfacts_stage_entries_total{{stage="{role}"'
            )
            assert family in text, f"port {base + n} does not report {role}"
    finally:
        code = terminate(up)
    assert code == 0, log.read_text()[-3000:]
    assert get(base, "/healthz")[0] == 0, "a child still serves after `up` stopped"


def test_a_metrics_port_range_past_65535_is_refused(cli: Cli) -> None:
    """Six processes from 65531 would need 65536: exit 2 before anything starts."""
    result = cli.with_env(NEWSFACTS_METRICS_PORT="65531").run("up", timeout=20)
    assert result.code == 2
    assert "6 processes need ports 65531 to 65536, past 65535" in result.stderr
