"""One archive pass over a log: copy sealed segments of every stream and partition, then trim.

A segment is sealed when it is full (``archive_segment_entries`` entries), or when its oldest entry
is older than ``archive_seal_s``: a stream's entries never change once written, so sealing only
decides how large the files are. One pass at a time per partition holds the archive lock; a
second archiver finds it held and leaves that partition alone.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import redis

from services.archive.store import Archive
from services.archive.trim import GroupState, held_by, low_water, trim_to
from services.common.committer import ORDER_TTL_S
from services.common.names import LOG_STREAMS, STAGE_INPUT, Names
from services.common.partitions import PartitionMap
from services.projector.entries import ZERO, entry_key, format_key

LOCK_MS = 120_000
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@dataclass(frozen=True, slots=True)
class Policy:
    """When segments are sealed and what may be trimmed."""

    segment_entries: int = 10_000
    seal_ms: int = 3_600_000
    #: Keep at least this much hot (ms); None: never trim.
    retention_ms: int | None = 86_400_000
    #: A projector silent this long is gone and no longer holds the trim back.
    projector_ttl_ms: int = 3_600_000
    #: Nothing younger than the order window is trimmed (``trim.py``, rule 3).
    order_window_ms: int = ORDER_TTL_S * 1000


@dataclass
class PassReport:
    """What one pass did: entries and segments archived, entries trimmed, partitions skipped."""

    archived: dict[str, int] = field(default_factory=dict)
    segments: int = 0
    trimmed: dict[str, int] = field(default_factory=dict)
    guards: int = 0
    busy: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "archived": self.archived,
            "segments": self.segments,
            "trimmed": self.trimmed,
            "guards_dropped": self.guards,
            "busy_partitions": self.busy,
        }


class Archiver:
    """Archive and trim the log under one partition map, with a blocking client of its own."""

    def __init__(
        self, client: redis.Redis, archive: Archive, partitions: PartitionMap, policy: Policy
    ) -> None:
        self._client = client
        self._archive = archive
        self._partitions = partitions
        self._policy = policy

    @property
    def archive(self) -> Archive:
        return self._archive

    def close(self) -> None:
        self._client.close()

    def run_once(self, now_ms: int | None = None, *, seal: bool = False) -> PassReport:
        """Archive what is sealed (everything, with ``seal``), then trim what is safe to trim."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        report = PassReport()
        log_id: Any = self._client.hget(self._partitions.base.meta(), "log_id")
        if log_id is not None:  # written by the log's first writer (services/common/identity.py)
            self._archive.bind_log(_text(log_id))
        for partition in range(self._partitions.count):
            names = self._partitions.names(partition)
            with self._lock(names) as held:
                if not held:
                    report.busy.append(partition)
                    continue
                for short in LOG_STREAMS:
                    self._archive_stream(names, short, partition, now_ms, seal, report)
                self._trim(names, partition, now_ms, report)
        return report

    def _archive_stream(
        self, names: Names, short: str, partition: int, now_ms: int, seal: bool, report: PassReport
    ) -> None:
        size = self._policy.segment_entries
        last = self._archive.archived_until(short, partition)
        while True:
            rows: Any = self._client.xrange(names.stream(short), min=f"({last}", max="+", count=size)
            if not rows:
                break
            oldest_ms = entry_key(rows[0][0].decode())[0]
            if len(rows) < size and not seal and now_ms - oldest_ms < self._policy.seal_ms:
                break
            segment = self._archive.append(short, partition, rows)
            self._client.hset(names.archived(), short, segment.last)
            self._client.pexpire(names.archive_lock(), LOCK_MS)
            key = f"{short}.p{partition}"
            report.archived[key] = report.archived.get(key, 0) + segment.count
            report.segments += 1
            last = segment.last
            if len(rows) < size:
                break

    def _trim(self, names: Names, partition: int, now_ms: int, report: PassReport) -> None:
        if self._policy.retention_ms is None:
            return
        hot_for = max(self._policy.retention_ms, self._policy.order_window_ms)
        mark = low_water(self._groups(names), now_ms - hot_for)
        projected = self._projector_positions(names, now_ms)
        for short in LOG_STREAMS:
            positions = [p[short] for p in projected if short in p]
            minid = trim_to(self._archive.archived_until(short, partition), mark, positions)
            if minid is None:
                continue
            before: Any = self._client.hget(names.trimmed(), short)
            removed = int(self._client.xtrim(names.stream(short), minid=minid, approximate=False))
            if removed:
                self._client.hset(names.trimmed(), short, minid)
                report.trimmed[f"{short}.p{partition}"] = removed
                self._drop_guards(names, short, partition, _text(before or b"0-0"), minid, report)

    def _drop_guards(
        self, names: Names, short: str, partition: int, low: str, high: str, report: PassReport
    ) -> None:
        """Drop the guards of the entries just trimmed from a stage's input stream: a trimmed entry is
        never delivered again (nothing pending is trimmed), so its guard can no longer be needed."""
        stages = [stage for stage, stream in STAGE_INPUT.items() if stream == short]
        if not stages:
            return
        ids = self._archive.entry_and_event_ids(short, partition, low, high)
        for stage in stages:
            members: Any = self._client.smembers(names.guard_versions(stage))
            versions = [_text(v) for v in members]
            fields = [f"{v}:{i}" for v in versions for pair in ids for i in pair if i]
            for start in range(0, len(fields), 1000):
                report.guards += int(self._client.hdel(names.done(stage), *fields[start : start + 1000]))

    def status(self, now_ms: int | None = None) -> list[dict[str, Any]]:
        """Per partition and stream: hot entries, archived and trimmed up to, and what holds the trim."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        rows: list[dict[str, Any]] = []
        hot_for = max(self._policy.retention_ms or 0, self._policy.order_window_ms)
        for partition in range(self._partitions.count):
            names = self._partitions.names(partition)
            mark = held_by(self._groups(names), now_ms - hot_for)
            if self._policy.retention_ms is None:
                mark = (ZERO, "NEWSFACTS_RETENTION=never")
            trimmed: Any = self._client.hgetall(names.trimmed())
            for short in LOG_STREAMS:
                segments = self._archive.segments(short, partition)
                rows.append(
                    {
                        "partition": partition,
                        "stream": names.stream(short),
                        "hot": int(self._client.xlen(names.stream(short))),
                        "archived": sum(s.count for s in segments),
                        "segments": len(segments),
                        "archived_until": segments[-1].last if segments else "0-0",
                        "trimmed_before": _text(trimmed.get(short.encode(), b"0-0")),
                        "held_at": format_key(mark[0]) if mark else None,
                        "held_by": mark[1] if mark else None,
                    }
                )
        return rows

    def _groups(self, names: Names) -> list[GroupState]:
        states: list[GroupState] = []
        for short in LOG_STREAMS:
            stream = names.stream(short)
            try:
                groups: Any = self._client.xinfo_groups(stream)
                info: Any = self._client.xinfo_stream(stream) if groups else None
            except redis.ResponseError:  # no such stream yet
                continue
            for g in groups:
                group, delivered = _text(g["name"]), _text(g["last-delivered-id"])
                pending: Any = self._client.xpending(stream, group) if int(g["pending"]) else None
                oldest = _text(pending["min"]) if pending and pending["min"] else None
                caught_up = delivered == _text(info["last-generated-id"])
                states.append(GroupState(short, group, delivered, oldest, caught_up))
        return states

    def _projector_positions(self, names: Names, now_ms: int) -> list[dict[str, str]]:
        """Positions (stream -> entry id) of every projector heard from within the TTL (a silent one
        is gone)."""
        registered: Any = self._client.hgetall(names.projectors())
        states = [orjson.loads(raw) for raw in registered.values()]
        ttl = self._policy.projector_ttl_ms
        return [s.get("positions", {}) for s in states if now_ms - int(s.get("ms", 0)) <= ttl]

    @contextmanager
    def _lock(self, names: Names) -> Iterator[bool]:
        token = uuid.uuid4().hex
        held = bool(self._client.set(names.archive_lock(), token, nx=True, px=LOCK_MS))
        try:
            yield held
        finally:
            if held:  # release only our own lock (it may have expired and been taken since)
                self._client.eval(_RELEASE, 1, names.archive_lock(), token)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
