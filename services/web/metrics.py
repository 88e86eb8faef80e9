"""``/metrics``: the whole pipeline in Prometheus text, read from Redis on each scrape."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from services.web.deps import pipeline_snapshot

router = APIRouter()

_STAGE = ("stage", "partition")
_GAUGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stream_length": ("Entries of a log stream in Redis (the hot tier: the archiver trims what it archived)",
                      ("stream", "partition")),
    "stage_lag": ("Entries of a stage's input stream its consumer group has not read yet", _STAGE),
    "stage_pending": ("Entries a stage has read and not yet acknowledged", _STAGE),
    "stage_consumers": ("Consumers in a stage's group", _STAGE),
    "stage_dead_letters": ("Entries in a stage's dead-letter stream (dead and parked)", _STAGE),
    "stage_parked": ("Articles held back at a stage behind a dead letter", _STAGE),
    "projector_lag": ("Entries of a log stream after the projector's position", ("stream", "partition")),
    "projector_lag_seconds": ("How long the first entry the projector has not applied has waited",
                              ("stream", "partition")),
}  # fmt: skip


def render(snapshot: dict[str, Any]) -> bytes:
    """The snapshot as Prometheus text (one registry per scrape: nothing is kept between scrapes)."""
    registry = CollectorRegistry(auto_describe=True)
    gauges = {
        name: Gauge(f"newsfacts_{name}", doc, labels, registry=registry)
        for name, (doc, labels) in _GAUGES.items()
    }
    for part in snapshot["partitions"]:
        p = str(part["partition"])
        for s in part["streams"]:
            gauges["stream_length"].labels(s["stream"], p).set(s["length"])
        for st in part["stages"]:
            labels = (st["stage"], p)
            if st["lag"] is not None:
                gauges["stage_lag"].labels(*labels).set(st["lag"])
            gauges["stage_pending"].labels(*labels).set(st["pending"])
            gauges["stage_consumers"].labels(*labels).set(len(st["consumers"]))
            gauges["stage_dead_letters"].labels(*labels).set(st["dead_letters"])
            gauges["stage_parked"].labels(*labels).set(st["parked"])
    if snapshot["projector"] is not None:
        for s in snapshot["projector"]["streams"]:
            gauges["projector_lag"].labels(s["stream"], "0").set(s["behind"])
            waited = s["waiting_ms"] or 0
            gauges["projector_lag_seconds"].labels(s["stream"], "0").set(waited / 1000)
    return generate_latest(registry)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    return Response(render(await pipeline_snapshot(request)), media_type=CONTENT_TYPE_LATEST)
