"""How far readers are behind a stream, and who consumes it: for the projector's lag and the pipeline views.

The projector follows the log with ``XREAD`` from positions it keeps in its store, not with a
consumer group, so Redis cannot tell its lag; ``entries_after`` counts what follows a position
on the server (``count.lua``), up to a cap, without moving the entries to the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.common.names import text

_COUNT = files("services.common").joinpath("count.lua").read_text()
#: The most entries ``entries_after`` counts; a reader further behind is reported as at least this.
COUNT_CAP = 100_000


@dataclass(frozen=True, slots=True)
class Consumer:
    """One consumer of a group: its name, the entries it holds unacknowledged and how long it was idle."""

    name: str
    pending: int
    idle_ms: int


async def entries_after(client: Redis, key: str, position: str, cap: int = COUNT_CAP) -> int:
    """Entries of ``key`` after entry id ``position`` ('0-0': all), at most ``cap``."""
    start = "-" if position in ("0", "0-0") else f"({position}"
    return int(await client.register_script(_COUNT)(keys=[key], args=[start, cap]))


async def consumers(client: Redis, key: str, group: str) -> list[Consumer]:
    """The consumers of ``group`` on ``key`` (none when the stream or group does not exist)."""
    try:
        rows = await client.xinfo_consumers(key, group)
    except ResponseError:
        return []
    return [Consumer(text(r["name"]), int(r["pending"]), int(r["idle"])) for r in rows]
