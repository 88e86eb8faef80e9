"""Consumers that died without leaving their group (SIGKILL, OOM, a lost machine) are removed.

A worker that stops cleanly leaves its group; one that is killed stays registered for good
(``status`` counted 6 enrich consumers for 1 process). Every worker therefore prunes, now and
then, the consumers of its group idle longer than ``NEWSFACTS_CONSUMER_PRUNE_MS`` that hold
nothing pending: their entries were reclaimed by live consumers already, so nothing is lost.
"""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.names import text

#: The longest time between two prunes of a running worker.
EVERY_S = 60.0


async def prune_idle(client: Redis, stream: str, group: str, idle_ms: int, keep: str) -> list[str]:
    """Remove the group's consumers idle over ``idle_ms`` with nothing pending (never ``keep``)."""
    removed = []
    for info in await client.xinfo_consumers(stream, group):
        name = text(info["name"])
        # A dead consumer gains no entries (reclaims go to the live consumer claiming them), so
        # one with none pending now has none when it is removed.
        if name != keep and int(info["pending"]) == 0 and int(info["idle"]) > idle_ms:
            await client.xgroup_delconsumer(stream, group, name)
            removed.append(name)
    return removed


async def prune_forever(client: Redis, stream: str, group: str, idle_ms: int, keep: str, log: Any) -> None:
    """Prune at once, then every ``min(idle_ms, EVERY_S)``; a failed prune waits for the next."""
    while True:
        try:
            removed = await prune_idle(client, stream, group, idle_ms, keep)
        except (ConnectionError, RedisTimeoutError, ResponseError, OSError):
            removed = []
        if removed:
            log.info("removed dead consumers", consumers=removed, idle_over_ms=idle_ms)
        await asyncio.sleep(min(idle_ms / 1000, EVERY_S))
