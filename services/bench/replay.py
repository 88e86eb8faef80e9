"""The bench's replay: the raw ceiling (XRANGE + decode of the whole log, one process, nothing else),
then a rebuild of the same log into a fresh store by ``replay rebuild``'s own path, and their ratio.

The ceiling is read before and after the rebuild and the faster of the two kept, so that a
machine busier during one of them lowers the ratio rather than flattering it.
"""

from __future__ import annotations

import os
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import orjson
import redis

from services.common import connection
from services.common.settings import Settings
from services.common.stage import entry_payload
from services.projector import queries
from services.projector.checksum import checksum
from services.projector.store import ReadModelStore, collector_paused
from services.replay.reader import read_batches
from services.replay.rebuild import rebuild_from


def raw_ceiling(url: str, settings: Settings, batch: int = 5000) -> tuple[int, float]:
    """(entries, seconds) to read every log entry with XRANGE and decode its JSON, in this process."""
    client = redis.Redis.from_url(url, decode_responses=False, socket_connect_timeout=5)
    entries = 0
    try:
        with collector_paused():
            started = time.perf_counter()
            for _, rows in read_batches(client, settings.names, {}, "+", batch):
                for _, fields in rows:
                    orjson.loads(entry_payload(fields))
                entries += len(rows)
            return entries, time.perf_counter() - started
    finally:
        client.close()


def measure_replay(settings: Settings, target: Path) -> dict[str, Any]:
    """Ceiling, rebuild and ratio on the log of ``settings``; the rebuild's checksum against the live one."""
    url = connection.redis_url(settings)
    load = os.getloadavg()[0]
    before = raw_ceiling(url, settings)
    with ReadModelStore.open(target, bulk=True) as store:
        started = time.perf_counter()
        events = rebuild_from(url, settings.names, store)
        store.settle()
        seconds = time.perf_counter() - started
        rebuilt = store.checksum()
    after = raw_ceiling(url, settings)
    ceiling = max(n / s for n, s in (before, after) if s > 0)
    rate = events / seconds if seconds > 0 else 0.0
    live = settings.readmodel_path
    with closing(queries.connect_readonly(live)) as conn:
        live_checksum = checksum(conn)
    same = live_checksum == rebuilt
    return {
        "events": events,
        "seconds": round(seconds, 3),
        "events_per_s": round(rate),
        "ceiling_events_per_s": round(ceiling),
        "ceiling_runs_events_per_s": [round(n / s) for n, s in (before, after) if s > 0],
        "ratio": round(rate / ceiling, 3) if ceiling else None,
        "checksum_equal_to_live": same,
        "live_checksum": live_checksum,
        "load_average_1m": {"before": round(load, 2), "after": round(os.getloadavg()[0], 2)},
    }
