"""A stage worker's metrics: FastStream's Prometheus middleware plus what only newsfacts knows.

FastStream's middleware counts entries received and measures the handler's time per batch
(``faststream_received_*``). The commit statuses, failures, rejections, dead letters and batch
sizes come from the sink and one small middleware. Labels carry stage names, stream keys,
status and reason codes only: never a URL, a password or an article.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from faststream import BaseMiddleware
from faststream.redis.prometheus import RedisPrometheusMiddleware
from prometheus_client import CollectorRegistry, Counter, Histogram
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.names import text
from services.telemetry.probes import Probes

if TYPE_CHECKING:
    from services.common.committer import Outcome
    from services.common.deadletter import Failure
    from services.common.worker import Sink

#: Batch sizes up to NEWSFACTS_BATCH_SIZE's useful range.
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


class StageMeter:
    """The metrics of one stage process, in a registry of its own (nothing global, nothing at import)."""

    def __init__(self, stage: str, registry: CollectorRegistry | None = None) -> None:
        self.stage = stage
        self.registry = registry or CollectorRegistry()
        #: Whether the worker's app has started its subscribers (and not begun to stop): ready needs it.
        self.running = False
        r = self.registry
        self._entries = Counter(
            "newsfacts_stage_entries", "Entries committed, by commit status.", ["stage", "status"], registry=r
        )
        self._rejected = Counter(
            "newsfacts_stage_rejected",
            "Entries recorded as article.rejected (bad input).",
            ["stage"],
            registry=r,
        )
        self._failed = Counter(
            "newsfacts_stage_failures",
            "Entries that failed, by reason code.",
            ["stage", "reason"],
            registry=r,
        )
        self._dead = Counter(
            "newsfacts_stage_dead_lettered", "Entries moved to the dead-letter stream.", ["stage"], registry=r
        )
        self._batch = Histogram(
            "newsfacts_stage_batch_entries",
            "Entries per batch read.",
            ["stage"],
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        # Families are exported from the first scrape on, before any entry arrives.
        for status in ("new", "already_done", "duplicate", "parked", "reasserted"):
            self._entries.labels(stage, status)
        self._failed.labels(stage, "error")  # an exception in the stage: retried, then dead-lettered
        self._rejected.labels(stage)
        self._dead.labels(stage)
        self._batch.labels(stage)

    def middlewares(self) -> Sequence[Any]:
        """Broker middlewares: FastStream's Prometheus one, then the batch-size one."""
        prometheus = RedisPrometheusMiddleware(
            registry=self.registry, app_name="newsfacts", custom_labels={"stage": self.stage}
        )
        batch = self._batch.labels(self.stage)

        class BatchSize(BaseMiddleware):
            async def on_receive(self) -> None:
                data = self.msg.get("data") if isinstance(self.msg, Mapping) else None
                if isinstance(data, list):
                    batch.observe(len(data))

        return (prometheus, BatchSize)

    def started(self) -> None:
        """The app's subscribers run (FastStream's after_startup)."""
        self.running = True

    def stopping(self) -> None:
        """The app begins to stop (FastStream's on_shutdown)."""
        self.running = False

    def probes(self, stream: str, group: str) -> Callable[[Redis], Probes]:
        """Readiness: the worker's subscribers run, the server answers and the stage's group exists."""

        async def ready(client: Redis) -> str | None:
            return await group_ready(client, stream, group) if self.running else "worker not started"

        return lambda client: Probes(self.registry, ready=lambda: ready(client))

    def wrap(self, sink: Sink) -> Sink:
        """``sink`` counting what it commits, fails and dead-letters."""
        return MeteredSink(sink, self)

    def committed(self, outcomes: list[Outcome], statuses: list[str]) -> None:
        for status, n in Tally(statuses).items():
            self._entries.labels(self.stage, status).inc(n)
        rejected = sum(any(e.type == "article.rejected" for _, e in o.events) for o in outcomes)
        if rejected:
            self._rejected.labels(self.stage).inc(rejected)

    def failed(self, failures: list[Failure], buried: int) -> None:
        for reason, n in Tally(f.reason for f in failures).items():
            self._failed.labels(self.stage, reason).inc(n)
        if buried:
            self._dead.labels(self.stage).inc(buried)


class MeteredSink:
    """A sink that counts, in front of the real one."""

    def __init__(self, inner: Sink, meter: StageMeter) -> None:
        self._inner = inner
        self._meter = meter

    async def fetch(self, entry_ids: list[str]) -> dict[str, Mapping[bytes, bytes]]:
        return await self._inner.fetch(entry_ids)

    async def commit(self, outcomes: list[Outcome]) -> list[str]:
        statuses = await self._inner.commit(outcomes)
        self._meter.committed(outcomes, statuses)
        return statuses

    async def fail(self, failures: list[Failure]) -> int:
        buried = await self._inner.fail(failures)
        self._meter.failed(failures, buried)
        return buried


async def group_ready(client: Redis, stream: str, group: str) -> str | None:
    """None when the server answers and ``group`` reads ``stream``; else why not."""
    try:
        groups = await client.xinfo_groups(stream)
    except ResponseError as exc:
        missing = "no such key" in str(exc).lower()
        return f"stream {stream} does not exist" if missing else f"server refused XINFO GROUPS on {stream}"
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        return f"server unreachable ({type(exc).__name__})"
    if group not in {text(g["name"]) for g in groups}:
        return f"consumer group {group} of {stream} does not exist"
    return None
