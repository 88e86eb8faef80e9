"""How one stage scales from one process to two while the other stages are idle (not even running).

The stage's input events are made in-process (``run_inline`` up to that stage), then for each
process count, under a fresh key prefix: the workers start and join the group, the inputs are
appended in one burst, and the rate is inputs over the time from the first input's entry to the last
output's entry (server clock).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from services.bench import usage
from services.bench.fleet import Fleet
from services.bench.timeline import first_id, ms
from services.common import connection
from services.common.envelope import encode
from services.common.names import EVENT_FIELD, STAGE_INPUT, STAGE_OUTPUT, STAGES, Names
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.stages import run_inline


def stage_inputs(stage: str, payloads: Sequence[bytes]) -> list[bytes]:
    """The entries ``stage`` reads for these submissions: what the stage before it appends."""
    at = STAGES.index(stage)
    if at == 0:
        return list(payloads)
    wanted = f"article.{STAGE_INPUT[stage]}"
    events = (run_inline(raw).events for raw in payloads)
    return [encode(ev[at]) for ev in events if len(ev) > at and ev[at].type == wanted]


async def _joined(
    client: Redis, names: Names, stage: str, fleet: Fleet, count: int, timeout_s: float
) -> None:
    """Wait until ``count`` consumers have read from the stage's group: warm and polling."""
    deadline = time.monotonic() + timeout_s
    while len(await client.xinfo_consumers(names.input_stream(stage), names.group(stage))) < count:
        fleet.check()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} {stage} worker(s) did not join their group in {timeout_s:.0f} s")
        await asyncio.sleep(0.05)


async def _drained(client: Redis, names: Names, stage: str, fleet: Fleet, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        groups = await client.xinfo_groups(names.input_stream(stage))
        group = next(g for g in groups if g["name"] == names.group(stage).encode())
        if int(group["lag"] or 0) == 0 and int(group["pending"]) == 0:
            return
        fleet.check()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{stage} did not drain its input in {timeout_s:.0f} s")
        await asyncio.sleep(0.02)


async def _one(
    settings: Settings, stage: str, processes: int, inputs: Sequence[bytes], logs: Path, timeout_s: float
) -> dict[str, Any]:
    """Drain ``inputs`` with ``processes`` workers of ``stage`` under ``settings``' prefix, then delete it."""
    names = settings.names
    client = connection.client(connection.redis_url(settings))
    fleet = Fleet({stage: processes}, settings, logs)
    try:
        await ensure_topology(client, names)
        fleet.start()
        await _joined(client, names, stage, fleet, processes, timeout_s)
        before, began = await usage.read(client, fleet), time.monotonic()
        first = None
        for at in range(0, len(inputs), 200):
            async with client.pipeline(transaction=False) as pipe:
                for raw in inputs[at : at + 200]:
                    pipe.xadd(names.input_stream(stage), {EVENT_FIELD: raw})
                ids = await pipe.execute()
            first = first or ids[0].decode()
        await _drained(client, names, stage, fleet, timeout_s)
        after, wall = await usage.read(client, fleet), time.monotonic() - began
        last = max(
            [
                ms(await first_id(client, names.stream(s), last=True) or "0-0")
                for s in (STAGE_OUTPUT[stage], "rejected")
            ]
        )
    finally:
        fleet.stop()
        keys = [k async for k in client.scan_iter(match=f"{settings.prefix}:*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()
    seconds = (last - ms(first or "0-0")) / 1000
    cpu = sum((after.workers[w.pid] or 0.0) - (before.workers[w.pid] or 0.0) for w in fleet.workers)
    spent = usage.totals(before, after, cpu, len(inputs), wall)
    return {
        "processes": processes,
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(inputs) / seconds, 1) if seconds > 0 else None,
        "cpu_ms_per_article": spent["workers_cpu_ms_per_article"],
        "other_processes_cores": spent["other_processes_cores"],
    }


async def measure_scaling(
    settings: Settings,
    stage: str,
    payloads: Sequence[bytes],
    logs: Path,
    *,
    timeout_s: float,
    rounds: int = 2,
) -> dict[str, Any]:
    """The stage's rate with one process, then two, ``rounds`` times alternating, each run under a
    prefix of its own; the ratio of the best rate with two to the best with one.

    Alternating rounds and taking the best of each is for a shared or frequency-scaling machine:
    the same work measured twice in a row varies by 10-20 % here, which alone can move the ratio
    across the target.
    """
    inputs = stage_inputs(stage, payloads)
    runs = []
    for round_ in range(rounds):
        for processes in (1, 2):
            scoped = settings.model_copy(update={"prefix": f"{settings.prefix}-s{processes}r{round_}"})
            runs.append(await _one(scoped, stage, processes, inputs, logs, timeout_s))
    best = {
        n: max((r["articles_per_s"] or 0.0 for r in runs if r["processes"] == n), default=0.0) for n in (1, 2)
    }
    return {
        "stage": stage,
        "inputs": len(inputs),
        "runs": runs,
        "best_articles_per_s": best,
        "ratio": round(best[2] / best[1], 2) if best[1] and best[2] else None,
    }
