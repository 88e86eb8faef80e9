"""When each submission became visible in the read models, found by polling the store.

The store keeps no applied-at time, so visibility is observed: every ``poll_s`` the watcher reads the
sum of the terminal-event counters (three key lookups) and, only when it moved, the ``outcomes``
table; a correlation id's visible time is the wall time of the first poll that found its outcome.
The error is at most one poll interval plus one query.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from services.bench.sender import Sent
from services.projector import queries

_TERMINAL = "SELECT coalesce(sum(value), 0) FROM counters WHERE name IN (?, ?, ?)"
_TYPES = ("article.indexed", "article.rejected", "article.duplicate")


class Timeout(RuntimeError):
    """Not every submission became visible in time."""


async def watch(
    store: Path, sent: Sent, *, poll_s: float, timeout_s: float, alive: Callable[[], None] = lambda: None
) -> dict[str, float]:
    """Poll until every correlation id in ``sent`` has an outcome (and sending is done); first-seen times.

    ``alive`` is called every poll: it raises to stop watching a pipeline that lost a worker.
    """
    seen: dict[str, float] = {}
    deadline = time.monotonic() + timeout_s
    with closing(queries.connect_readonly(store)) as conn:
        last = -1
        while not (sent.done and seen.keys() >= sent.sent_at.keys()):
            if time.monotonic() > deadline:
                missing = len(sent.sent_at.keys() - seen.keys())
                raise Timeout(
                    f"{missing} of {len(sent.sent_at)} submissions not visible after {timeout_s:.0f} s"
                )
            await asyncio.sleep(poll_s)
            alive()
            now = time.time()
            total = _terminal(conn)
            if total == last:
                continue
            last = total
            for (cid,) in conn.execute("SELECT correlationid FROM outcomes"):
                seen.setdefault(cid, now)
    return seen


def _terminal(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute(_TERMINAL, _TYPES).fetchone()[0])
    except sqlite3.OperationalError:  # the projector has not created its tables yet
        return -1
