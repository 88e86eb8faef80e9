"""The bench's archive: the same log written to a fresh archive, read back, and rebuilt from it.

Reported beside the replay: archive write rate; read + decode rate from the archive (the cold
tier's ceiling, to set beside the hot tier's XRANGE + decode); a rebuild from the archive alone
with its checksum against the live store; and bytes per article in Redis and on disk.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import orjson
import redis

from services.archive.archiver import Archiver, Policy
from services.archive.store import Archive
from services.archive.tiers import archived_batches
from services.common import connection
from services.common.names import LOG_STREAMS
from services.common.settings import Settings
from services.common.stage import entry_payload
from services.projector.store import ReadModelStore, collector_paused
from services.replay.rebuild import rebuild_from


def measure_archive(settings: Settings, workdir: Path, live_checksum: str, articles: int) -> dict[str, Any]:
    """Archive the whole log of ``settings`` under ``workdir`` (nothing trimmed), read it, rebuild from it."""
    url = connection.redis_url(settings)
    where = workdir / "archive"
    shutil.rmtree(where, ignore_errors=True)
    archive = Archive.open(str(where), settings.prefix)
    client = redis.Redis.from_url(url, decode_responses=False, socket_connect_timeout=5)
    try:
        started = time.perf_counter()
        report = Archiver(client, archive, settings.partition_map, Policy(retention_ms=None)).run_once(
            seal=True
        )
        wrote = time.perf_counter() - started
        entries = sum(report.archived.values())
        redis_bytes = sum(int(client.memory_usage(settings.names.stream(s)) or 0) for s in LOG_STREAMS)
        with collector_paused():
            started = time.perf_counter()
            cursors: dict[str, str] = {}
            for _, rows in archived_batches(archive, 0, cursors, "+", 5000):
                for _, fields in rows:
                    orjson.loads(entry_payload(fields))
            read = time.perf_counter() - started
        # A rebuild that finds everything in the archive reads nothing hot but the seam check.
        target = workdir / "from-archive.sqlite"
        target.unlink(missing_ok=True)
        with ReadModelStore.open(target, bulk=True) as store:
            started = time.perf_counter()
            events = rebuild_from(url, settings.names, store, archive=archive)
            store.settle()
            rebuild = time.perf_counter() - started
            same = store.checksum() == live_checksum
    finally:
        client.close()
    disk = sum(p.stat().st_size for p in where.rglob("*") if p.is_file())
    return {
        "entries": entries,
        "segments": report.segments,
        "write_events_per_s": round(entries / wrote) if wrote else None,
        "read_decode_events_per_s": round(entries / read) if read else None,
        "rebuild_events": events,
        "rebuild_events_per_s": round(events / rebuild) if rebuild else None,
        "checksum_equal_to_live": same,
        "redis_bytes_per_article": round(redis_bytes / articles) if articles else None,
        "archive_bytes_per_article": round(disk / articles) if articles else None,
    }
