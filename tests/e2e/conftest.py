"""Running the ``newsfacts`` command as a user does: a subprocess with its settings in the environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis

from services.common.settings import Settings

REPO = Path(__file__).resolve().parents[2]
#: A port nothing listens on: commands that need no server must not notice it.
CLOSED_URL = "redis://127.0.0.1:1/0"


def command(*args: str) -> list[str]:
    """The argv of ``newsfacts ARGS`` with this interpreter."""
    return [sys.executable, "-m", "services.cli", *args]


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any newsfacts setting, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL" and not k.startswith("NEWSFACTS_")}
    return {**env, "NEWSFACTS_LOG_LEVEL": "warning", **settings}


@dataclass(frozen=True)
class Cli:
    """``newsfacts`` with one environment: ``run`` waits for a command, ``start`` leaves it running."""

    env: dict[str, str]
    data_dir: Path
    prefix: str

    def run(self, *args: str, stdin: bytes | None = None, timeout: float = 60.0) -> Result:
        """Run ``newsfacts ARGS`` to completion from the repository root."""
        done = subprocess.run(
            command(*args), input=stdin, capture_output=True, env=self.env, cwd=REPO, timeout=timeout
        )
        return Result(args, done.returncode, done.stdout.decode(), done.stderr.decode())

    def start(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        """Start a long-running command in its own session, its output going to ``log``."""
        with log.open("wb") as out:
            return subprocess.Popen(
                command(*args),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=REPO,
                start_new_session=True,
            )

    @property
    def readmodel_path(self) -> Path:
        """Where this CLI's projector keeps its read models."""
        return Settings(data_dir=self.data_dir, prefix=self.prefix).readmodel_path

    def with_env(self, **changes: str) -> Cli:
        """The same CLI with some environment variables changed."""
        return Cli({**self.env, **changes}, self.data_dir, self.prefix)


@dataclass(frozen=True)
class Result:
    """How a finished command ended: its exit code and what it printed."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The parsed ``--json`` output, after checking the command succeeded."""
        assert self.code == 0, f"newsfacts {' '.join(self.args)} exited {self.code}: {self.stderr}"
        return orjson.loads(self.stdout)


def eventually(check: Callable[[], Any], what: str, within: float = 30.0, every: float = 0.1) -> Any:
    """Poll ``check`` until it returns something truthy, and return that; past ``within`` s, fail."""
    deadline = time.monotonic() + within
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        time.sleep(every)
    return found


@pytest.fixture
def cli(redis_url: str, tmp_path: Path) -> Iterator[Cli]:
    """The CLI on the session server with a prefix and data directory of its own; its keys deleted after."""
    prefix = f"e{uuid.uuid4().hex[:12]}"
    data_dir = tmp_path / "data"
    env = clean_environment(
        REDIS_URL=redis_url,
        NEWSFACTS_PREFIX=prefix,
        NEWSFACTS_DATA_DIR=str(data_dir),
        NEWSFACTS_BLOCK_MS="20",
    )
    yield Cli(env, data_dir, prefix)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def offline(tmp_path: Path) -> Cli:
    """The CLI with REDIS_URL pointing at a closed port and an empty data directory."""
    data_dir = tmp_path / "offline"
    env = clean_environment(REDIS_URL=CLOSED_URL, NEWSFACTS_DATA_DIR=str(data_dir))
    return Cli(env, data_dir, "nf")


def lengths(status: list[Mapping[str, Any]]) -> dict[str, int]:
    """Stream short name -> length, from ``status --json``."""
    return {row["stream"]: row["length"] for row in status}


def terminate(process: subprocess.Popen[bytes], within: float = 30.0) -> int:
    """SIGTERM ``process`` and return its exit code; past ``within`` s it is killed (and the code says so)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
