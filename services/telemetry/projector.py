"""The projector's metrics: entries folded, batch latency and size, and how far behind each stream it is.

The lag is read from Redis when Prometheus scrapes (the first entry past the projector's
position in every stream it follows, against the server's clock), so following the log costs
nothing extra.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.names import text
from services.telemetry.probes import Probes
from services.telemetry.stage import BATCH_BUCKETS


class Followed(Protocol):
    """What the meter needs to see of a running projector."""

    @property
    def positions(self) -> Mapping[str, str]:
        """The last entry id folded, per stream key."""

    @property
    def store_open(self) -> bool:
        """Whether its read-model store is open."""


def entry_ms(entry_id: str) -> int:
    """The milliseconds part of a stream entry id (0 for ``0-0`` or an id without one)."""
    ms = entry_id.partition("-")[0]
    return int(ms) if ms.isdigit() else 0


class ProjectorMeter:
    """The metrics of the projector process, in a registry of its own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self._folded = Counter(
            "newsfacts_projector_entries_folded",
            "Log entries read and folded into the read models.",
            registry=r,
        )
        self._applied = Counter(
            "newsfacts_projector_entries_applied",
            "Entries past their stream's position (applied, or recorded as skipped).",
            registry=r,
        )
        self._seconds = Histogram(
            "newsfacts_projector_batch_seconds", "Time to fold one batch in one transaction.", registry=r
        )
        self._entries = Histogram(
            "newsfacts_projector_batch_entries",
            "Entries per folded batch.",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self._lag = Gauge(
            "newsfacts_projector_lag_seconds",
            "How long the oldest entry of a stream not yet folded has waited (0: caught up).",
            ["stream"],
            registry=r,
        )
        self._behind = Gauge(
            "newsfacts_projector_streams_behind",
            "Streams with entries the projector has not folded.",
            registry=r,
        )

    def folded(self, entries: int, applied: int, seconds: float) -> None:
        """One batch folded."""
        self._folded.inc(entries)
        self._applied.inc(applied)
        self._seconds.observe(seconds)
        self._entries.observe(entries)

    async def refresh(self, client: Redis, positions: Mapping[str, str]) -> None:
        """Set each stream's lag: how long its oldest entry not yet folded has been waiting (0: none)."""
        keys = sorted(positions)
        async with client.pipeline(transaction=False) as pipe:
            pipe.time()
            for key in keys:
                pipe.xrange(key, min=f"({positions[key]}", count=1)
            now, *firsts = await pipe.execute()
        now_ms = int(now[0]) * 1000 + int(now[1]) // 1000  # the server's clock, as the entry ids are
        behind = 0
        for key, rows in zip(keys, firsts, strict=True):
            waiting = max(0, now_ms - entry_ms(text(rows[0][0]))) / 1000 if rows else 0.0
            behind += bool(rows)
            self._lag.labels(key).set(waiting)
        self._behind.set(behind)

    def probes(self, current: Callable[[], Followed | None]) -> Callable[[Redis], Probes]:
        """Readiness: the server answers PING and the current projector's store is open."""

        def make(client: Redis) -> Probes:
            async def ready() -> str | None:
                app = current()
                if app is None or not app.store_open:
                    return "read-model store not open"
                try:
                    await client.ping()
                except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                    return f"server unreachable ({type(exc).__name__})"
                return None

            async def refresh() -> None:
                app = current()
                if app is not None:
                    await self.refresh(client, app.positions)

            return Probes(self.registry, ready=ready, refresh=refresh)

        return make
