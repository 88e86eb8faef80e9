"""The tiered log on a real server: archive sealed segments, trim the hot tier, rebuild across both."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis as blocking
import redis.asyncio as aioredis

from services.archive.archiver import Archiver, Policy
from services.archive.store import Archive, ArchiveCorrupt
from services.archive.tiers import LogGap
from services.archive.trim import after
from services.common import connection
from services.common.names import EVENT_FIELD, LOG_STREAMS
from services.common.settings import Settings
from services.projector.entries import entry_key, format_key
from services.projector.store import ReadModelStore
from services.replay.reader import ReaderFailed
from services.replay.rebuild import rebuild_from, replay_into
from tests.integration.test_projector import caught_up, projecting
from tests.integration.test_rebuild import _append, _messy_log

pytestmark = pytest.mark.redis

EVERYTHING = Policy(segment_entries=7, seal_ms=0, retention_ms=0, order_window_ms=0)


def _archiver(settings: Settings, policy: Policy = EVERYTHING) -> tuple[Archiver, Archive, blocking.Redis]:
    client = blocking.Redis.from_url(connection.redis_url(settings))
    archive = Archive.open(str(settings.data_dir / "archive"), settings.prefix)
    return Archiver(client, archive, settings.partition_map, policy), archive, client


def _soon() -> int:
    """A second from now: with retention 0, entries appended in this very millisecond may go too."""
    return int(time.time() * 1000) + 1000


async def _hot(redis: aioredis.Redis, settings: Settings) -> int:
    return sum([await redis.xlen(settings.names.stream(s)) for s in LOG_STREAMS])


def _rebuilt(settings: Settings, path: Path, archive: Archive | None) -> tuple[int, str]:
    with ReadModelStore.open(path, bulk=True) as store:
        events = rebuild_from(connection.redis_url(settings), settings.names, store, batch=4, archive=archive)
        store.settle()
        return events, store.checksum()


async def _live_checksum(redis: aioredis.Redis, settings: Settings) -> str:
    async with projecting(settings):
        await caught_up(redis, settings)
    with ReadModelStore.open(settings.readmodel_path) as live:
        return live.checksum()


async def test_a_trimmed_log_rebuilds_from_the_archive_alone_to_the_same_read_models(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """Archive everything, trim Redis to nothing, rebuild: the archive alone restores the read models."""
    await _append(redis, settings, _messy_log())
    total = await _hot(redis, settings)
    expected = await _live_checksum(redis, settings)
    archiver, archive, client = _archiver(settings)
    report = archiver.run_once(_soon(), seal=True)
    assert sum(report.archived.values()) == total and sum(report.trimmed.values()) == total
    assert await _hot(redis, settings) == 0
    assert sum(s.count for short in LOG_STREAMS for s in archive.segments(short, 0)) == total
    assert all(s.count <= 7 for s in archive.segments("cleaned", 0))
    assert _rebuilt(settings, tmp_path / "cold.db", archive) == (total, expected)
    assert archiver.run_once(seal=True).segments == 0  # nothing is archived twice
    client.close()


async def test_archive_and_hot_tail_read_as_one_log_with_no_duplicate_at_the_seam(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """Only full segments are archived and nothing trimmed: the rebuild reads each entry exactly once,
    the archived ones from the archive and the rest from Redis, in-process and in the reader process."""
    await _append(redis, settings, _messy_log())
    total = await _hot(redis, settings)
    archiver, archive, client = _archiver(
        settings, Policy(segment_entries=5, seal_ms=10**12, retention_ms=None)
    )
    report = archiver.run_once()
    archived = sum(report.archived.values())
    assert 0 < archived < total and not report.trimmed
    expected = await _live_checksum(redis, settings)
    assert _rebuilt(settings, tmp_path / "tiered.db", archive) == (total, expected)
    with ReadModelStore.open(tmp_path / "inprocess.db", bulk=True) as here:
        assert await replay_into(redis, settings.names, here, batch=3, archive=archive) == total
        here.settle()
        assert here.checksum() == expected
    client.close()


async def test_nothing_a_consumer_group_still_needs_is_trimmed(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A group that has read nothing holds the whole partition hot (the low-water mark), archived or not;
    once it has read and acknowledged everything, the archived part goes."""
    await _append(redis, settings, _messy_log())
    total = await _hot(redis, settings)
    stream = settings.names.stream("cleaned")
    await redis.xgroup_create(stream, "classify", id="0")
    archiver, _, client = _archiver(settings)
    report = archiver.run_once(seal=True)
    assert sum(report.archived.values()) == total and not report.trimmed
    read = await redis.xreadgroup("classify", "c1", {stream: ">"})
    ids = [eid for eid, _ in read[0][1]]
    pending = archiver.run_once(_soon()).trimmed  # read but pending: still needed, and all that came after
    assert "cleaned.p0" not in pending and sum(pending.values()) < 5
    await redis.xack(stream, "classify", *ids)
    trimmed = sum(archiver.run_once(_soon()).trimmed.values())
    # The mark is partition-wide: what other streams gained after the group's last entry stays.
    left = [eid for s in LOG_STREAMS for eid, _ in await redis.xrange(settings.names.stream(s))]
    assert sum(pending.values()) + trimmed + len(left) == total and trimmed > total / 2
    assert all(entry_key(e.decode()) > entry_key(ids[-1].decode()) for e in left)
    client.close()


async def test_retention_keeps_recent_entries_hot(redis: aioredis.Redis, settings: Settings) -> None:
    await _append(redis, settings, _messy_log())
    archiver, _, client = _archiver(
        settings, Policy(segment_entries=7, seal_ms=0, retention_ms=3_600_000, order_window_ms=0)
    )
    report = archiver.run_once(seal=True)
    assert report.segments > 0 and not report.trimmed
    client.close()


async def test_a_live_projector_holds_the_trim_back_until_it_has_passed(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A projector registered behind the log (heard from within its TTL) keeps what it has not folded."""
    await _append(redis, settings, _messy_log())
    await redis.hset(settings.names.projectors(), "p1", '{"positions": {"submitted": "0-0"}, "ms": 1}')
    archiver, _, client = _archiver(settings)
    assert not archiver.run_once(now_ms=2, seal=True).trimmed  # p1 heard from 1 ms ago
    assert archiver.run_once(now_ms=10**13).trimmed  # p1 silent past its TTL: gone
    client.close()


async def test_a_trim_past_the_archive_is_a_gap_that_stops_the_rebuild(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    await _append(redis, settings, _messy_log())
    archiver, archive, client = _archiver(
        settings, Policy(segment_entries=5, seal_ms=10**12, retention_ms=None)
    )
    archiver.run_once()
    stream = settings.names.stream("cleaned")
    newest = (await redis.xrevrange(stream, count=1))[0][0].decode()
    beyond = format_key(after(newest))
    assert archive.archived_until("cleaned", 0) != newest
    await redis.xtrim(stream, minid=beyond)  # trimmed past the archive (by hand, or another archive)
    await redis.hset(settings.names.trimmed(), "cleaned", beyond)
    with pytest.raises(ReaderFailed, match=f"LogGap: {stream}: entries before {beyond} were trimmed"):
        _rebuilt(settings, tmp_path / "gap.db", archive)
    with ReadModelStore.open(tmp_path / "gap2.db", bulk=True) as here, pytest.raises(LogGap):
        await replay_into(redis, settings.names, here, archive=archive)
    client.close()


async def test_a_crash_mid_archive_leaves_nothing_half_visible(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A segment file written without its manifest (a crash between the two) is invisible, and the
    next pass archives those entries exactly once; a corrupted segment fails verification."""
    await _append(redis, settings, _messy_log())
    total = await _hot(redis, settings)
    archiver, archive, client = _archiver(settings, Policy(segment_entries=7, seal_ms=0, retention_ms=None))
    rows = client.xrange(settings.names.stream("submitted"), count=7)
    archive._put_atomically("stream=submitted/partition=0/date=x/orphan.parquet", b"half a file")
    assert archive.segments("submitted", 0) == []
    archiver.run_once(seal=True)
    segments = [s for short in LOG_STREAMS for s in archive.segments(short, 0)]
    assert sum(s.count for s in segments) == total
    first = archive.segments("submitted", 0)[0]
    assert [r[0] for r in archive.read(first)] == [r[0] for r in rows]
    path = settings.data_dir / "archive" / settings.prefix / first.path
    path.write_bytes(path.read_bytes()[:-40] + b"\0" * 40)
    with pytest.raises(ArchiveCorrupt, match="not a readable segment"):
        archive.verify(first)
    client.close()


async def test_raw_entries_survive_the_archive_byte_for_byte(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """An entry with other fields than ``event`` (a raw XADD ingest rejected) and non-UTF-8 bytes."""
    stream = settings.names.stream("submitted")
    await redis.xadd(stream, {"foo": b"bar\xff", "baz": b""})
    await redis.xadd(stream, {EVENT_FIELD: b"\xfe not json"})
    archiver, archive, client = _archiver(settings, Policy(segment_entries=7, seal_ms=0, retention_ms=None))
    hot = client.xrange(stream)
    archiver.run_once(seal=True)
    (segment,) = archive.segments("submitted", 0)
    assert archive.read(segment) == hot
    client.close()


async def test_a_new_projector_catches_up_from_the_archive_and_registers_itself(
    redis: aioredis.Redis, settings: Settings, tmp_path: Path
) -> None:
    """A store that starts after the log was trimmed folds the archive first (no gap at the seam), then
    follows the hot tier; the projector tells the archiver where it is, so it holds later trims back."""
    pairs = _messy_log()
    await _append(redis, settings, pairs[:60])
    archiver, _, client = _archiver(settings)
    archiver.run_once(_soon(), seal=True)
    assert await _hot(redis, settings) == 0
    await _append(redis, settings, pairs[60:])  # the hot tail
    fresh = settings.model_copy(
        update={"data_dir": tmp_path / "fresh", "archive_url": str(settings.data_dir / "archive")}
    )
    async with projecting(fresh):
        await caught_up(redis, fresh)
    registered = await redis.hgetall(settings.names.projectors())
    assert len(registered) == 1 and str(fresh.data_dir / "readmodels") in next(iter(registered)).decode()
    with ReadModelStore.open(fresh.readmodel_path) as store:
        cold_then_hot = store.checksum()
    await redis.delete(settings.names.projectors())
    archive = Archive.open(str(settings.data_dir / "archive"), settings.prefix)
    assert _rebuilt(settings, tmp_path / "all.db", archive)[1] == cold_then_hot
    client.close()


async def test_the_order_window_keeps_a_day_hot_whatever_the_retention(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Retention 0 trims what is archived, but never what an order key may still re-read (a day)."""
    await _append(redis, settings, _messy_log())
    archiver, _, client = _archiver(settings, Policy(segment_entries=7, seal_ms=0, retention_ms=0))
    assert archiver.run_once(seal=True).segments > 0
    assert not archiver.run_once().trimmed
    assert archiver.run_once(now_ms=int(time.time() * 1000) + 86_400_001).trimmed
    client.close()
