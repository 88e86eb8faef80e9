"""Runs worker processes for ``up`` and ``demo``: one OS process per stage copy, stopped gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping

from services.common.logging import JsonLines
from services.common.names import STAGES

ROLES: tuple[str, ...] = (*STAGES, "projector", "archiver")


class Supervisor:
    """Starts ``newsfacts worker ROLE`` children and stops them with SIGTERM (then SIGKILL)."""

    def __init__(
        self, scale: Mapping[str, int], *, quiet: bool = False, output: JsonLines | None = None
    ) -> None:
        self._scale = {role: scale.get(role, 1) for role in ROLES}
        self._children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._quiet = quiet
        #: In JSON mode, where every line the children print goes (JSON lines kept, others wrapped).
        self._output = output

    def start(self) -> None:
        for role, copies in self._scale.items():
            for _ in range(copies):
                self._children.append((role, self._spawn(role)))

    def _spawn(self, role: str) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "services.cli", "worker", role]
        if self._quiet or self._output is None:
            out = subprocess.DEVNULL if self._quiet else None
            return subprocess.Popen(cmd, stdout=out, stderr=out, env=dict(os.environ))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ))
        threading.Thread(target=self._pump, args=(role, proc, self._output), daemon=True).start()
        return proc

    @staticmethod
    def _pump(role: str, proc: subprocess.Popen[bytes], output: JsonLines) -> None:
        """Pass a child's output on line by line until it exits."""
        assert proc.stdout is not None
        with proc.stdout:
            for raw in proc.stdout:
                output.line(raw, role=role, pid=proc.pid)

    def restart_dead(self) -> list[tuple[str, int]]:
        """Start a new process for every child that exited; return (role, exit code) of those."""
        restarted = []
        for n, (role, proc) in enumerate(self._children):
            code = proc.poll()
            if code is not None:
                restarted.append((role, code))
                self._children[n] = (role, self._spawn(role))
        return restarted

    def describe(self) -> str:
        return ", ".join(f"{role}x{n}" if n > 1 else role for role, n in self._scale.items() if n)

    def stop(self, timeout: float = 30.0) -> dict[str, int | None]:
        """SIGTERM every child, wait up to ``timeout``, SIGKILL the rest; return exit codes."""
        for _, proc in self._children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes: dict[str, int | None] = {}
        for n, (role, proc) in enumerate(self._children):
            try:
                codes[f"{role}#{n}"] = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[f"{role}#{n}"] = proc.wait()
        self._children = []
        return codes


def parse_scale(values: list[str]) -> dict[str, int]:
    """``['clean=2', 'enrich=3']`` -> ``{'clean': 2, 'enrich': 3}``; raises ValueError on nonsense."""
    scale: dict[str, int] = {}
    for value in values:
        role, sep, count = value.partition("=")
        if not sep or role not in ROLES or not count.isdigit() or not 0 <= int(count) <= 64:
            raise ValueError(
                f"--scale takes ROLE=N with ROLE in {', '.join(ROLES)} and N in 0..64, not {value!r}"
            )
        scale[role] = int(count)
    return scale
