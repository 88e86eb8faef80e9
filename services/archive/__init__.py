"""The tiered log: sealed segments archived as Parquet, the hot tier trimmed, replay across both.

The one door is ``open_archive(settings)``; ``archiver.py`` writes and trims, ``tiers.py`` reads.
"""

from __future__ import annotations

import asyncio
import signal
import threading

import redis
import structlog

from services.archive.archiver import Archiver, Policy
from services.archive.store import Archive
from services.common import connection, identity
from services.common.settings import Settings


def open_archive(settings: Settings) -> Archive:
    """The archive of the configured log (``NEWSFACTS_ARCHIVE_URL``, default under the data dir)."""
    return Archive.open(settings.archive_location, settings.prefix)


def policy(settings: Settings) -> Policy:
    """When segments are sealed and how much stays hot, from the settings."""
    return Policy(
        segment_entries=settings.archive_segment_entries,
        seal_ms=settings.archive_seal_s * 1000,
        retention_ms=settings.retention_ms,
    )


def archiver(settings: Settings) -> Archiver:
    """The archiver of the configured log, with a blocking client of its own (``close()`` it)."""
    asyncio.run(identity.bind_configured(settings))  # a writer: the log's identity first (it trims)
    client = redis.Redis.from_url(connection.redis_url(settings), socket_connect_timeout=5)
    return Archiver(client, open_archive(settings), settings.partition_map, policy(settings))


def run_archiver(settings: Settings) -> None:
    """The archiver role of ``up``: a pass every ``archive_every_s`` until SIGTERM/SIGINT."""
    log = structlog.get_logger().bind(stage="archiver")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker = archiver(settings)
    log.info("archiver starting", archive=worker.archive.url, retention=settings.retention)
    pause = 1.0
    try:
        while not stop.is_set():
            try:
                report = worker.run_once()
            except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
                log.warning("archive pass failed; retrying", error=str(exc), retry_in_s=pause)
                stop.wait(pause)
                pause = min(pause * 2, float(settings.archive_every_s))
                continue
            pause = 1.0
            if report.segments or report.trimmed:
                log.info("archive pass", **report.as_json())
            stop.wait(settings.archive_every_s)
    finally:
        worker.close()
        log.info("archiver stopped")
