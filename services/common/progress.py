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
#: The most entries ``entries_after`` counts (the script walks them inside Redis, so it is kept small
#: enough for a status read every few seconds); a reader further behind is "at least" this far.
COUNT_CAP = 10_000


@dataclass(frozen=True, slots=True)
class Consumer:
    """One consumer of a group: its name, the entries it holds unacknowledged and how long it was idle."""

    name: str
    pending: int
    idle_ms: int


@dataclass(frozen=True, slots=True)
class Behind:
    """What follows a reader's position in a stream: how many entries (at most the cap), the first one."""

    entries: int
    first_id: str | None

    def age_ms(self, now_ms: int) -> int | None:
        """How long the first entry not yet read has waited, by its id's time (None when caught up)."""
        return max(0, now_ms - int(self.first_id.partition("-")[0])) if self.first_id else None


async def entries_after(client: Redis, key: str, position: str, cap: int = COUNT_CAP) -> Behind:
    """The entries of ``key`` after entry id ``position`` ('0-0': all), counted up to ``cap``."""
    start = "-" if position in ("0", "0-0") else f"({position}"
    counted, first = await client.register_script(_COUNT)(keys=[key], args=[start, cap])
    return Behind(int(counted), text(first) or None)


async def server_ms(client: Redis) -> int:
    """The server's clock, in ms: the clock stream entry ids are made by."""
    seconds, micros = await client.time()
    return int(seconds) * 1000 + int(micros) // 1000


async def consumers(client: Redis, key: str, group: str) -> list[Consumer]:
    """The consumers of ``group`` on ``key`` (none when the stream or group does not exist)."""
    try:
        rows = await client.xinfo_consumers(key, group)
    except ResponseError:
        return []
    return [Consumer(text(r["name"]), int(r["pending"]), int(r["idle"])) for r in rows]
