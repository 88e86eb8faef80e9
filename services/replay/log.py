"""Reading the fact log: in large batches, every stream, up to an optional cutoff; or entries by id."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from services.archive.store import Archive
from services.archive.tiers import archived_batches, check_seam
from services.common.names import LOG_STREAMS, Names
from services.projector.entries import LogEntry, Undecodable, entry_key, to_entry

_ID = re.compile(r"^\d+(-\d+)?$")


def parse_until(value: str) -> str:
    """A cutoff as a stream entry id: an id ('1700000000000-5'), epoch ms, or an ISO 8601 time."""
    text = value.strip()
    if _ID.match(text):
        return text if "-" in text else f"{text}-18446744073709551615"
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--until takes an entry id, epoch milliseconds or an ISO 8601 time, not {value!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return f"{int(when.timestamp() * 1000)}-18446744073709551615"


async def total_entries(client: Redis, names: Names, archive: Archive | None = None) -> int:
    """How many entries the log holds (every stream; with ``archive``, those only archived too)."""
    async with client.pipeline(transaction=False) as pipe:
        for short in LOG_STREAMS:
            pipe.xlen(names.stream(short))
        lengths = [int(n) for n in await pipe.execute()]
    if archive is None:
        return sum(lengths)
    total = sum(lengths)
    for short in LOG_STREAMS:
        hot: Any = await client.xrange(names.stream(short), count=1)
        first = entry_key(hot[0][0].decode()) if hot else None
        # Segments wholly before the first hot entry are only in the archive (trimmed from Redis).
        total += sum(
            s.count for s in archive.segments(short, 0) if first is None or entry_key(s.last) < first
        )
    return total


async def read_log(
    client: Redis, names: Names, *, after: dict[str, str] | None = None, until: str = "+", batch: int = 5000,
    archive: Archive | None = None,
) -> AsyncIterator[list[LogEntry | Undecodable]]:  # fmt: skip
    """Batches of decoded entries, stream by stream, after ``after`` positions and up to ``until``:
    first what the archive holds (``archive/tiers.py``), then the hot streams.

    Each stream's next batch is requested while the current one is being handled, in one pipeline
    round trip for all streams that still have entries.
    """
    cursors = {short: (after or {}).get(short, "0-0") for short in LOG_STREAMS}
    for short, rows in archived_batches(archive, 0, cursors, until, batch):
        yield [to_entry(short, eid, fields, names=names) for eid, fields in rows]
    check_seam(names, await client.hgetall(names.trimmed()), cursors, until)
    while cursors:
        async with client.pipeline(transaction=False) as pipe:
            for short, cursor in cursors.items():
                pipe.xrange(names.stream(short), min=f"({cursor}", max=until, count=batch)
            replies: list[Any] = await pipe.execute()
        for (short, _), rows in zip(list(cursors.items()), replies, strict=True):
            if len(rows) < batch:
                del cursors[short]
            if rows:
                cursors_last = rows[-1][0]
                if short in cursors:
                    cursors[short] = cursors_last.decode()
                yield [to_entry(short, eid, fields, names=names) for eid, fields in rows]


async def fetch(
    client: Redis, names: Names, keys: list[tuple[str, str]], archive: Archive | None = None
) -> dict[tuple[str, str], LogEntry]:
    """Log entries by (stream short name, entry id), in one pipelined round trip, then from the
    archive for those no longer hot; missing ones left out."""
    async with client.pipeline(transaction=False) as pipe:
        for short, entry_id in keys:
            pipe.xrange(names.stream(short), min=entry_id, max=entry_id, count=1)
        replies: list[Any] = await pipe.execute()
    found: dict[tuple[str, str], LogEntry] = {}
    cold: dict[str, list[str]] = {}
    for (short, entry_id), rows in zip(keys, replies, strict=True):
        if rows:
            entry = to_entry(short, entry_id, rows[0][1], names=names)
            if isinstance(entry, LogEntry):
                found[(short, entry_id)] = entry
        else:
            cold.setdefault(short, []).append(entry_id)
    if archive is None:
        return found
    for short, ids in cold.items():
        for entry_id, (_, fields) in archive.find(short, 0, ids).items():
            entry = to_entry(short, entry_id, fields, names=names)
            if isinstance(entry, LogEntry):
                found[(short, entry_id)] = entry
    return found
