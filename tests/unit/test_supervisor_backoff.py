"""``up`` restarts a crashing child with exponential backoff, and says so each time."""

from __future__ import annotations

import subprocess
import sys

from services.cli.supervisor import BACKOFF_MAX_S, ROLES, Supervisor

PROJECTOR_ONLY = {role: 0 for role in ROLES if role != "projector"}


class CrashingSupervisor(Supervisor):
    """Every child is a real process that exits 3 at once (a worker crash-looping on a full disk)."""

    spawned = 0

    def _spawn(self, role: str, slot: int) -> subprocess.Popen[bytes]:
        self.spawned += 1
        proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
        proc.wait()
        return proc


def test_a_crash_loop_backs_off_from_one_second_doubling_to_a_minute() -> None:
    """Delays 1, 2, 4 ... 60 s, 60 s; nothing is restarted before its time."""
    sup = CrashingSupervisor(PROJECTOR_ONLY)
    sup.start()
    now, delays = 0.0, []
    for _ in range(9):
        [note] = sup.restart_dead(now)
        assert "exited with 3" in note
        delays.append(float(note.split("restarting it in ")[1].split(" s")[0]))
        starts = sup.spawned
        assert sup.restart_dead(now + delays[-1] - 0.5) == [] and sup.spawned == starts
        now += delays[-1]
        assert sup.restart_dead(now) == [] and sup.spawned == starts + 1
    assert delays == [1, 2, 4, 8, 16, 32, BACKOFF_MAX_S, BACKOFF_MAX_S, BACKOFF_MAX_S]


def test_a_child_that_ran_a_healthy_minute_starts_the_backoff_again() -> None:
    """After a run of a minute or more, the next crash is restarted after 1 s again."""
    sup = CrashingSupervisor(PROJECTOR_ONLY)
    sup.start()
    now = 0.0
    for _ in range(4):
        [note] = sup.restart_dead(now)
        now += float(note.split("restarting it in ")[1].split(" s")[0])
        sup.restart_dead(now)
    [note] = sup.restart_dead(now + 61)
    assert "restarting it in 1 s (restart 5" in note
