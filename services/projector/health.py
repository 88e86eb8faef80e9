"""The projector's health, kept where every process can see it: a hash on the server.

The projector records each start, a heartbeat with its positions about once a second, and
the error it died of (``Names.projector()``). ``status`` shows it as the projector row (how far
behind the log end it is, the last error, restarts) and readers warn when the store is behind
and no projector is folding it.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import orjson
from redis import exceptions as redis_errors
from redis.asyncio import Redis

from services.common import progress
from services.common.envelope import now_rfc3339
from services.common.names import LOG_STREAMS, Names, text

#: A projector whose heartbeat is older than this is not running.
ALIVE_S = 10.0
#: Entries counted past a position at most, per stream (``status`` stays cheap on a huge backlog).
COUNT_CAP = 1_000


@dataclass(frozen=True, slots=True)
class Health:
    """What the projector last said about itself, and how far the log has moved past it."""

    alive: bool
    seen_s_ago: float | None
    starts: int
    last_error: str
    last_error_at: str
    store: str
    behind: int
    capped: bool

    @property
    def restarts(self) -> int:
        return max(self.starts - 1, 0)

    def summary(self) -> str:
        """One line for people."""
        if self.alive:
            state = "running"
        elif self.starts == 0:
            state = "never ran"
        elif self.seen_s_ago is None:
            state = "not running"
        else:
            state = f"not running (last seen {self.seen_s_ago:,.0f} s ago)"
        lag = f"{self.behind:,}{'+' if self.capped else ''} entries behind the log end"
        error = f"; last error at {self.last_error_at}: {self.last_error}" if self.last_error else ""
        return f"{state}, {lag}, {self.restarts} restart(s){error}"


async def started(client: Redis, names: Names, store: str) -> None:
    """Count a start (``restarts`` is starts - 1)."""
    async with client.pipeline(transaction=False) as pipe:
        pipe.hincrby(names.projector(), "starts", 1)
        pipe.hset(names.projector(), mapping={"store": store, "pid": os.getpid()})
        await pipe.execute()


async def beat(client: Redis, names: Names, positions: dict[str, str]) -> None:
    """The heartbeat: now, and the positions folded so far (stream short name -> entry id)."""
    mapping = {"heartbeat": time.time(), "positions": orjson.dumps(positions)}
    await client.hset(names.projector(), mapping=mapping)  # type: ignore[arg-type]


async def failed(client: Redis, *, names: Names, error: BaseException) -> None:
    """Record the error the projector stops on; best effort (the server may be what failed)."""
    message = f"{type(error).__name__}: {error}"[:2000]
    with contextlib.suppress(redis_errors.RedisError, OSError):
        async with client.pipeline(transaction=True) as pipe:
            pipe.hset(names.projector(), mapping={"last_error": message, "last_error_at": now_rfc3339()})
            pipe.hdel(names.projector(), "heartbeat")  # not alive until it folds again
            await pipe.execute()


async def read(client: Redis, names: Names, positions: dict[str, str] | None = None) -> Health:
    """The projector's health; ``positions`` (e.g. a store's own) instead of its last heartbeat's."""
    raw = {text(k): text(v) for k, v in (await client.hgetall(names.projector())).items()}
    beat_at = float(raw["heartbeat"]) if "heartbeat" in raw else None
    ago = time.time() - beat_at if beat_at is not None else None
    if positions is None:
        positions = orjson.loads(raw["positions"]) if "positions" in raw else {}
    behind, capped = await entries_behind(client, names, positions)
    return Health(
        alive=ago is not None and ago < ALIVE_S, seen_s_ago=ago, starts=int(raw.get("starts", 0)),
        last_error=raw.get("last_error", ""), last_error_at=raw.get("last_error_at", ""),
        store=raw.get("store", ""), behind=behind, capped=capped,
    )  # fmt: skip


async def entries_behind(client: Redis, names: Names, positions: dict[str, str]) -> tuple[int, bool]:
    """Entries of the log past ``positions`` (up to ``COUNT_CAP`` a stream), and whether a cap was hit.

    Counted inside Redis (``progress.entries_after``): the entries are not sent to this process.
    """
    counts = [
        (
            await progress.entries_after(client, names.stream(short), positions.get(short, "0-0"), COUNT_CAP)
        ).entries
        for short in LOG_STREAMS
    ]
    return sum(counts), any(n >= COUNT_CAP for n in counts)
