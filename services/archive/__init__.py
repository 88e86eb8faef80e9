"""The tiered log: sealed segments archived as Parquet, the hot tier trimmed, replay across both.

The one door is ``open_archive(settings)``; ``archiver.py`` writes and trims, ``tiers.py`` reads.
"""

from __future__ import annotations

from services.archive.archiver import Policy
from services.archive.store import Archive
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
