"""Metrics and health probes: the one door to ``/metrics``, ``/healthz`` and ``/readyz``.

A worker or the projector builds its meter (``StageMeter``, ``ProjectorMeter``), wires it
where batches pass, and runs under ``serving(...)``, which serves the meter's registry and
the readiness check on ``NEWSFACTS_METRICS_PORT`` (nothing at all when it is unset).
"""

from services.telemetry.probes import PortInUse, Probes, serving
from services.telemetry.projector import ProjectorMeter
from services.telemetry.stage import StageMeter

__all__ = ["PortInUse", "Probes", "ProjectorMeter", "StageMeter", "serving"]
