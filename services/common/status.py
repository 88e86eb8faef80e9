"""Pipeline status read from Redis: stream lengths, and per group its lag, pending and consumers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.common.names import LOG_STREAMS, STAGES, Names, text


@dataclass(frozen=True, slots=True)
class GroupStatus:
    name: str
    consumers: int
    pending: int
    lag: int | None
    last_delivered: str
    max_deliveries: int = 0  # the most any pending entry (of the oldest 100) has been delivered
    dead_letters: int = 0


@dataclass(frozen=True, slots=True)
class StreamStatus:
    stream: str
    key: str
    length: int
    groups: list[GroupStatus] = field(default_factory=list)
    #: The last entry in the archive, and the first still in Redis after a trim ('0-0': none).
    archived_until: str = "0-0"
    trimmed_before: str = "0-0"


async def stream_status(client: Redis, names: Names) -> list[StreamStatus]:
    """One row per log stream, in pipeline order."""
    rows = []
    archived: Any = await client.hgetall(names.archived())
    trimmed: Any = await client.hgetall(names.trimmed())
    for short in LOG_STREAMS:
        key = names.stream(short)
        length = int(await client.xlen(key))
        groups: list[GroupStatus] = []
        try:
            infos = await client.xinfo_groups(key)
        except ResponseError:  # no such stream yet
            infos = []
        for info in infos:
            lag, name = info.get("lag"), text(info["name"])
            pending = int(info["pending"])
            oldest = await client.xpending_range(key, name, min="-", max="+", count=100) if pending else []
            stage = {names.group(s): s for s in STAGES}.get(name)
            groups.append(
                GroupStatus(
                    name=name,
                    consumers=int(info["consumers"]),
                    pending=pending,
                    lag=int(lag) if lag is not None else None,
                    last_delivered=text(info["last-delivered-id"]),
                    max_deliveries=max((int(r["times_delivered"]) for r in oldest), default=0),
                    dead_letters=int(await client.xlen(names.dlq(stage))) if stage else 0,
                )
            )
        tiers = (text(archived.get(short.encode(), b"0-0")), text(trimmed.get(short.encode(), b"0-0")))
        rows.append(StreamStatus(short, key, length, groups, *tiers))
    return rows


def as_json(rows: list[StreamStatus]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]
