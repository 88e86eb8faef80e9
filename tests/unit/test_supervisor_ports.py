"""`up` gives each worker and the projector a metrics port of its own, base + i, and the archiver none."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

import pytest

from services.cli.supervisor import METERED, Supervisor, check_ports


class RecordingSupervisor(Supervisor):
    """Children are real processes that exit at once; the environment each was given is kept."""

    def __init__(self, scale: Mapping[str, int], metrics_port: int | None = None) -> None:
        super().__init__(scale, quiet=True, metrics_port=metrics_port)
        self.given: list[tuple[str, str | None]] = []

    def _spawn(self, role: str, slot: int) -> subprocess.Popen[bytes]:
        self.given.append((role, self._env(role, slot).get("NEWSFACTS_METRICS_PORT")))
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        proc.wait()
        return proc


def test_each_metered_child_gets_base_plus_i_and_the_archiver_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --scale enrich=2 the ports run on without a gap; the inherited setting never reaches a child."""
    monkeypatch.setenv("NEWSFACTS_METRICS_PORT", "9400")  # `up`'s own, not a port for every child
    sup = RecordingSupervisor({"enrich": 2}, metrics_port=9500)
    sup.start()
    roles = [r for r in METERED for _ in range(2 if r == "enrich" else 1)]
    assert sup.ports() == [(role, 9500 + n) for n, role in enumerate(roles)]
    assert sup.given == [(role, str(9500 + n)) for n, role in enumerate(roles)] + [("archiver", None)]


def test_without_a_port_no_child_gets_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Metrics off (demo, or up without the setting): no child binds a port, inherited or not."""
    monkeypatch.setenv("NEWSFACTS_METRICS_PORT", "9400")
    sup = RecordingSupervisor({})
    sup.start()
    assert sup.ports() == [] and {port for _, port in sup.given} == {None}


def test_a_range_past_65535_is_refused() -> None:
    """Six metered processes from 65531 would need 65536."""
    check_ports({}, 65530)
    with pytest.raises(ValueError, match="6 processes need ports 65531 to 65536, past 65535"):
        check_ports({}, 65531)
