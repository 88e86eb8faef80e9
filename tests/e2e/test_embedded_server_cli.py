"""Who may start the embedded server (only up, demo, worker, server start) and on which port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services.common import server
from services.common.settings import Settings
from tests.e2e.conftest import Cli, clean_environment, eventually, terminate

#: Commands that need the log but are not allowed to start a server, with their arguments.
CONNECTING = (
    ("status",),
    ("status", "--json"),
    ("publish", "seeds/"),
    ("dlq", "list"),
    ("retract", "a123", "--reason", "test", "--force"),
    ("replay", "rebuild"),
    ("replay", "reprocess", "--stage", "clean"),
    ("validate",),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Cli]:
    """The CLI with REDIS_URL unset and a data directory of its own; any server it ran is stopped after."""
    data_dir = tmp_path / "data"
    yield Cli(clean_environment(NEWSFACTS_DATA_DIR=str(data_dir)), data_dir, "nf")
    server.stop_server(Settings(data_dir=data_dir))


def test_commands_that_only_connect_exit_3_and_start_no_server(embedded: Cli) -> None:
    """With no server running for the data dir, each reader/publisher exits 3 saying how to start one."""
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda args: embedded.run(*args), CONNECTING))
    for result in results:
        assert result.code == 3, (result.args, result.code, result.stderr[-500:])
        assert "no embedded server is running for" in result.stderr, result.stderr
        assert "newsfacts server start" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (embedded.data_dir / "server" / "server.json").exists(), "a command started a server"
    assert server.running(Settings(data_dir=embedded.data_dir)) is None


@pytest.mark.redis
def test_server_start_uses_the_chosen_port_and_status_names_it_and_the_data_dir(embedded: Cli) -> None:
    """NEWSFACTS_EMBEDDED_PORT picks the port; `server status` names port and data dir; readers use it."""
    port = free_port()
    cli = embedded.with_env(NEWSFACTS_EMBEDDED_PORT=str(port))
    started = cli.run("server", "start")
    assert started.code == 0, started.stderr
    assert f"port {port}" in started.stdout
    status = cli.run("server", "status", "--json").json()
    assert (status["running"], status["port"], status["data_dir"]) == (True, port, str(cli.data_dir))
    text = cli.run("server", "status")
    assert f"port {port}" in text.stdout and str(cli.data_dir) in text.stdout
    assert embedded.run("status", "--json").code == 0, "a reader connects to the running server"
    assert cli.run("server", "stop").stdout.strip() == "stopped"
    assert cli.run("server", "status").code == 1


def test_a_busy_embedded_port_is_refused_naming_it(embedded: Cli) -> None:
    """A chosen port another program holds: `server start` exits 3 naming the port and the setting."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = embedded.with_env(NEWSFACTS_EMBEDDED_PORT=str(port)).run("server", "start")
    assert result.code == 3, result.stderr
    assert f"port {port} (NEWSFACTS_EMBEDDED_PORT) is in use" in result.stderr


def test_an_out_of_range_embedded_port_is_a_bad_setting(embedded: Cli) -> None:
    """NEWSFACTS_EMBEDDED_PORT=70000 is refused before anything runs (exit 2, the setting named)."""
    result = embedded.with_env(NEWSFACTS_EMBEDDED_PORT="70000").run("server", "start")
    assert result.code == 2
    assert result.stderr.startswith("newsfacts: bad setting: embedded_port")


@pytest.mark.redis
def test_a_worker_starts_the_embedded_server_when_none_runs(embedded: Cli, tmp_path: Path) -> None:
    """`worker STAGE` with REDIS_URL unset starts the server for its data dir, and stops on SIGTERM."""
    log = tmp_path / "worker.log"
    worker = embedded.with_env(NEWSFACTS_LOG_LEVEL="info").start("worker", "ingest", log=log)
    try:
        found = eventually(lambda: server.running(Settings(data_dir=embedded.data_dir)), "a server", 30.0)
        assert found.directory == embedded.data_dir / "server"
        eventually(lambda: "worker starting" in log.read_text(errors="replace"), "the worker to run", 60.0)
    finally:
        code = terminate(worker)
    assert code == 0, log.read_text()
