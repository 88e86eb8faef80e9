"""Runs worker processes for ``up`` and ``demo``: one OS process per stage copy, stopped gracefully.

A child that exits is started again after a backoff: 1 s, doubling to 60 s while it keeps
crashing, back to 1 s once a run lasted a healthy minute; a crash loop (a full disk, a read-only
store) costs one start a minute, and ``up`` says each time when the next attempt is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.logging import JsonLines
from services.common.names import STAGES

ROLES: tuple[str, ...] = (*STAGES, "projector", "archiver")
#: The roles that serve metrics and probes (the archiver runs passes, not a loop to probe).
METERED: tuple[str, ...] = (*STAGES, "projector")
#: The first restart's delay, doubled at each crash up to the longest.
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0
#: A child that ran this long was healthy: its next crash starts the backoff again from the first.
HEALTHY_S = 60.0


@dataclass
class Child:
    """One child process slot: its role, its current process, and its restart backoff."""

    role: str
    proc: subprocess.Popen[bytes]
    started: float
    delay: float = BACKOFF_FIRST_S
    restart_at: float | None = None  # set while it is dead and waiting for its restart
    restarts: int = 0


class Supervisor:
    """Starts ``newsfacts worker ROLE`` children and stops them with SIGTERM (then SIGKILL)."""

    def __init__(
        self,
        scale: Mapping[str, int],
        *,
        quiet: bool = False,
        output: JsonLines | None = None,
        metrics_port: int | None = None,
    ) -> None:
        self._scale = {role: scale.get(role, 1) for role in ROLES}
        self._children: list[Child] = []
        #: Child i serves its metrics and probes on metrics_port + i (kept when it is restarted).
        #: The metered roles come first in ROLES, so their ports are contiguous.
        self._metrics_port = metrics_port
        self._quiet = quiet
        #: In JSON mode, where every line the children print goes (JSON lines kept, others wrapped).
        self._output = output

    def start(self) -> None:
        for role, copies in self._scale.items():
            for _ in range(copies):
                self._children.append(Child(role, self._spawn(role, len(self._children)), time.monotonic()))

    def ports(self) -> list[tuple[str, int]]:
        """(role, metrics port) of every child, in start order; empty when metrics are off."""
        base = self._metrics_port
        if base is None:
            return []
        return [(c.role, base + n) for n, c in enumerate(self._children) if c.role in METERED]

    def _env(self, role: str, slot: int) -> dict[str, str]:
        """The environment of child ``slot``: its own metrics port, or none (never one port for all)."""
        env = {k: v for k, v in os.environ.items() if k != "NEWSFACTS_METRICS_PORT"}
        if self._metrics_port is not None and role in METERED:
            env["NEWSFACTS_METRICS_PORT"] = str(self._metrics_port + slot)
        return env

    def _spawn(self, role: str, slot: int) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "services.cli", "worker", role]
        if self._quiet or self._output is None:
            out = subprocess.DEVNULL if self._quiet else None
            return subprocess.Popen(cmd, stdout=out, stderr=out, env=self._env(role, slot))
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self._env(role, slot)
        )
        threading.Thread(target=self._pump, args=(role, proc, self._output), daemon=True).start()
        return proc

    @staticmethod
    def _pump(role: str, proc: subprocess.Popen[bytes], output: JsonLines) -> None:
        """Pass a child's output on line by line until it exits."""
        assert proc.stdout is not None
        with proc.stdout:
            for raw in proc.stdout:
                output.line(raw, role=role, pid=proc.pid)

    def restart_dead(self, now: float | None = None) -> list[str]:
        """Restart children that exited, each once its backoff has passed; return what to tell the user."""
        now = time.monotonic() if now is None else now
        notes = []
        for n, child in enumerate(self._children):
            if child.restart_at is None:
                code = child.proc.poll()
                if code is None:
                    continue
                if now - child.started >= HEALTHY_S:
                    child.delay = BACKOFF_FIRST_S
                child.restart_at = now + child.delay
                notes.append(
                    f"worker {child.role} exited with {code}; restarting it in {child.delay:g} s "
                    f"(restart {child.restarts + 1}; the delay doubles up to {BACKOFF_MAX_S:g} s while it "
                    "keeps failing)"
                )
                child.delay = min(child.delay * 2, BACKOFF_MAX_S)
            elif now >= child.restart_at:
                child.proc, child.started, child.restart_at = self._spawn(child.role, n), now, None
                child.restarts += 1
        return notes

    def describe(self) -> str:
        return ", ".join(f"{role}x{n}" if n > 1 else role for role, n in self._scale.items() if n)

    def stop(self, timeout: float = 30.0) -> dict[str, int | None]:
        """SIGTERM every child, wait up to ``timeout``, SIGKILL the rest; return exit codes."""
        for child in self._children:
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes: dict[str, int | None] = {}
        for n, (role, proc) in enumerate((c.role, c.proc) for c in self._children):
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


def check_ports(scale: Mapping[str, int], base: int | None) -> None:
    """Raise ValueError when the children's metrics ports (base + i) would run past 65535."""
    children = sum(scale.get(role, 1) for role in METERED)
    if base is not None and base + children - 1 > 65535:
        raise ValueError(
            f"NEWSFACTS_METRICS_PORT={base}: {children} processes need ports {base} to "
            f"{base + children - 1}, past 65535"
        )
