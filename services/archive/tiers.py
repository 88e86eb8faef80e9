"""Reading the log through both tiers: the archive first, then the hot streams from where it ends.

Per stream, the archived entries past the reader's position come first, then the hot entries
past the last of them, so the seam has no duplicate; and a stream trimmed past what the archive
holds is a gap, which stops the reader (``LogGap``) rather than folding a log with a hole in it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from redis.asyncio import Redis

from services.archive.segment import Row
from services.archive.store import Archive
from services.archive.trim import after
from services.common.names import LOG_STREAMS, Names, text
from services.projector.entries import entry_key


async def stream_rows(
    client: Redis,
    names: Names,
    short: str,
    since: str = "-",
    batch: int = 2000,
    archive: Archive | None = None,
) -> AsyncIterator[list[Row]]:
    """Batches of one stream's entries from ``since`` (inclusive; '-' for all): the archive's first,
    then the hot ones after the last of them."""
    cursor = since
    low = (0, 0) if since == "-" else entry_key(since if "-" in since else f"{since}-0")
    for rows in archive.rows(short, 0) if archive is not None else ():
        rows = [r for r in rows if entry_key(r[0].decode()) >= low]
        if rows:
            yield rows
            cursor = "(" + rows[-1][0].decode()
    while True:
        hot: Any = await client.xrange(names.stream(short), min=cursor, max="+", count=batch)
        yield hot
        if len(hot) < batch:
            return
        cursor = "(" + hot[-1][0].decode()


class LogGap(RuntimeError):
    """Entries were trimmed from the hot tier that the archive does not hold."""


def archived_batches(
    archive: Archive | None, partition: int, cursors: dict[str, str], until: str, batch: int
) -> Iterator[tuple[str, list[Row]]]:
    """(stream, rows) from the archive past ``cursors`` up to ``until``; advances ``cursors``."""
    if archive is None:
        return
    for short in LOG_STREAMS:
        for rows in archive.rows(short, partition, cursors.get(short, "0-0"), until):
            for start in range(0, len(rows), batch):
                yield short, rows[start : start + batch]
            cursors[short] = rows[-1][0].decode()


def check_seam(names: Names, trimmed: Mapping[Any, Any], cursors: Mapping[str, str], until: str) -> None:
    """Raise ``LogGap`` if a stream's hot tier starts after the first entry the reader needs."""
    for raw_short, raw_minid in trimmed.items():
        short, minid = text(raw_short), text(raw_minid)
        needed = after(cursors.get(short, "0-0"))
        if entry_key(minid) > needed and (until == "+" or entry_key(until) >= needed):
            raise LogGap(
                f"{names.stream(short)}: entries before {minid} were trimmed, but the archive ends at "
                f"{cursors.get(short, '0-0')}; is NEWSFACTS_ARCHIVE_URL the archive of this log?"
            )


def behind_trim(positions: Mapping[str, str], trimmed: Mapping[Any, Any]) -> bool:
    """Whether a reader at ``positions`` needs entries that are no longer in the hot tier."""
    return any(
        entry_key(text(minid)) > after(positions.get(text(short), "0-0")) for short, minid in trimmed.items()
    )
