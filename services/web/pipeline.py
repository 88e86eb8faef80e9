"""The pipeline as one snapshot read from Redis: per partition and stage, and the projector's lag.

``/api/pipeline``, ``/metrics`` and the live pipeline page all show this one snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from redis.asyncio import Redis

from services.common import progress
from services.common.names import LOG_STREAMS, STAGE_INPUT, STAGES, Names
from services.common.settings import Settings
from services.common.status import stream_status
from services.projector import health
from services.web.rates import RateTracker


@dataclass(frozen=True, slots=True)
class StreamRow:
    stream: str
    length: int
    rate_per_s: float | None  # entries appended per second, recently


@dataclass(frozen=True, slots=True)
class StageRow:
    stage: str
    input: str
    group: str
    lag: int | None  # entries of the input stream the group has not read yet (None: Redis cannot tell)
    pending: int  # read, not yet acknowledged
    max_deliveries: int
    consumers: list[progress.Consumer]
    dead_letters: int
    parked: int  # articles held back behind a dead letter
    rate_per_s: float | None  # entries finished per second, recently


@dataclass(frozen=True, slots=True)
class PartitionRow:
    partition: int
    streams: list[StreamRow]
    stages: list[StageRow]


@dataclass(frozen=True, slots=True)
class ProjectorStream:
    stream: str
    position: str
    behind: int  # entries after the position (at most progress.COUNT_CAP)
    capped: bool
    waiting_ms: int | None  # how long the first entry not yet applied has been in the stream


@dataclass(frozen=True, slots=True)
class ProjectorRow:
    streams: list[ProjectorStream]
    behind: int
    alive: bool  # its heartbeat is recent (projector.health)
    restarts: int
    last_error: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    partitions: list[PartitionRow]
    projector: ProjectorRow | None  # None when there are no read models yet

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


async def read_snapshot(
    client: Redis, settings: Settings, positions: dict[str, str] | None, rates: RateTracker, now_s: float
) -> Snapshot:
    """Everything the pipeline page shows, read now; ``positions`` are the projector's (from its store)."""
    counts: dict[str, int] = {}
    partitions = []
    for number, names in enumerate(settings.partition_map.all()):
        rows = await stream_status(client, names)
        length = {row.stream: row.length for row in rows}
        groups = {g.name: g for row in rows for g in row.groups}
        stages = []
        for stage in STAGES:
            group = groups.get(names.group(stage))
            lag = group.lag if group else None
            pending = group.pending if group else 0
            done = length[STAGE_INPUT[stage]] - (lag or 0) - pending if lag is not None else None
            if done is not None:
                counts[f"{number}:done:{stage}"] = done
            stages.append((stage, group, lag, pending, names))
        for short in LOG_STREAMS:
            counts[f"{number}:len:{short}"] = length[short]
        partitions.append((number, length, stages))
    rate = rates.record(now_s, counts)
    out = []
    for number, length, stages in partitions:
        streams = [StreamRow(s, length[s], rate.get(f"{number}:len:{s}")) for s in LOG_STREAMS]
        out.append(PartitionRow(number, streams, [await _stage(client, number, *s, rate) for s in stages]))
    projector = await _projector(client, settings.names, positions) if positions is not None else None
    return Snapshot(out, projector)


async def _stage(
    client: Redis, number: int, stage: str, group: Any, lag: int | None, pending: int, names: Names,
    rate: dict[str, float | None],
) -> StageRow:  # fmt: skip
    key = names.input_stream(stage)
    return StageRow(
        stage=stage,
        input=STAGE_INPUT[stage],
        group=names.group(stage),
        lag=lag,
        pending=pending,
        max_deliveries=group.max_deliveries if group else 0,
        consumers=await progress.consumers(client, key, names.group(stage)),
        dead_letters=int(await client.xlen(names.dlq(stage))),
        parked=int(await client.hlen(names.parked(stage))),
        rate_per_s=rate.get(f"{number}:done:{stage}"),
    )


async def _projector(client: Redis, names: Names, positions: dict[str, str]) -> ProjectorRow:
    """How far the projector (which follows ``names``' streams) is behind each one's end."""
    streams = []
    now = await progress.server_ms(client)
    for short in LOG_STREAMS:
        at = positions.get(short, "0-0")
        behind = await progress.entries_after(client, names.stream(short), at)
        capped = behind.entries >= progress.COUNT_CAP
        streams.append(ProjectorStream(short, at, behind.entries, capped, behind.age_ms(now)))
    said = await health.read(client, names, positions)
    return ProjectorRow(streams, sum(s.behind for s in streams), said.alive, said.restarts, said.last_error)
