"""The worker processes a benchmark runs: ``python -m services.cli worker ROLE``, each logging to a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.common.names import STAGES
from services.common.settings import Settings


class WorkerDied(RuntimeError):
    """A worker exited while the benchmark needed it; the message ends with its last log lines."""


@dataclass(frozen=True, slots=True)
class Worker:
    """One process of a role, and the file its JSON log lines go to."""

    role: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment of a benchmark worker: this one, pointed at the benchmark's server and prefix.

    Debug JSON logs, because the 'batch committed' lines are where batch sizes are read from.
    """
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if settings.redis_url is not None:
        env["REDIS_URL"] = settings.redis_url.get_secret_value()
    if settings.embedded_password is not None:
        env["NEWSFACTS_EMBEDDED_PASSWORD"] = settings.embedded_password.get_secret_value()
    env |= {
        "NEWSFACTS_DATA_DIR": str(settings.data_dir),
        "NEWSFACTS_PREFIX": settings.prefix,
        "NEWSFACTS_BATCH_SIZE": str(settings.batch_size),
        "NEWSFACTS_BLOCK_MS": str(settings.block_ms),
        "NEWSFACTS_LOG_LEVEL": "debug",
        "NEWSFACTS_LOG_FORMAT": "json",
    }
    return env


class Fleet:
    """Starts the workers of a scale, checks they live, stops them with SIGTERM (then SIGKILL)."""

    def __init__(self, scale: Mapping[str, int], settings: Settings, logs: Path) -> None:
        self._scale = {role: scale.get(role, 0) for role in (*STAGES, "projector")}
        self._env = worker_env(settings)
        self._logs = logs
        self.workers: list[Worker] = []

    def start(self) -> None:
        self._logs.mkdir(parents=True, exist_ok=True)
        for role, copies in self._scale.items():
            for n in range(copies):
                log = self._logs / f"{self._env['NEWSFACTS_PREFIX']}-{role}-{n}.log"
                with log.open("ab") as out:
                    cmd = [sys.executable, "-m", "services.cli", "worker", role]
                    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self._env)
                self.workers.append(Worker(role, proc, log))

    def check(self) -> None:
        """Raise ``WorkerDied`` if any worker has exited."""
        for w in self.workers:
            code = w.proc.poll()
            if code is not None:
                tail = w.log.read_text(errors="replace").splitlines()[-15:]
                raise WorkerDied(f"worker {w.role} (pid {w.pid}) exited with {code}:\n" + "\n".join(tail))

    def stop(self, timeout: float = 30.0) -> dict[str, int]:
        """SIGTERM every worker, wait up to ``timeout``, SIGKILL the rest; exit codes by ``role#pid``."""
        for w in self.workers:
            if w.proc.poll() is None:
                w.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes = {}
        for w in self.workers:
            try:
                codes[f"{w.role}#{w.pid}"] = w.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                codes[f"{w.role}#{w.pid}"] = w.proc.wait()
        return codes
