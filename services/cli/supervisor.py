"""Runs worker processes for ``up`` and ``demo``: one OS process per stage copy, stopped gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

from services.common.names import STAGES

ROLES: tuple[str, ...] = (*STAGES, "projector")


class Supervisor:
    """Starts ``newsfacts worker ROLE`` children and stops them with SIGTERM (then SIGKILL)."""

    def __init__(self, scale: Mapping[str, int], *, quiet: bool = False) -> None:
        self._scale = {role: scale.get(role, 1) for role in ROLES}
        self._children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._quiet = quiet

    def start(self) -> None:
        out = subprocess.DEVNULL if self._quiet else None
        for role, copies in self._scale.items():
            for _ in range(copies):
                cmd = [sys.executable, "-m", "services.cli", "worker", role]
                proc = subprocess.Popen(cmd, stdout=out, stderr=out, env=dict(os.environ))
                self._children.append((role, proc))

    def describe(self) -> str:
        return ", ".join(f"{role}x{n}" if n > 1 else role for role, n in self._scale.items() if n)

    def wait_any(self) -> tuple[str, int] | None:
        """Block until a child exits; return its role and exit code (None if there are no children)."""
        while self._children:
            for role, proc in self._children:
                code = proc.poll()
                if code is not None:
                    return role, code
            time.sleep(0.2)
        return None

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
