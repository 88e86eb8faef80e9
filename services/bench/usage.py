"""CPU, memory and batch sizes per role, from readings taken before and after the measured window."""

from __future__ import annotations

import resource
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from services.bench import procs
from services.bench.batches import batch_sizes, log_size
from services.bench.fleet import Fleet
from services.bench.stats import summary


@dataclass(frozen=True, slots=True)
class Reading:
    """CPU seconds of every worker, the server and this process, and where each worker's log ends."""

    workers: dict[int, float | None]
    offsets: dict[int, int]
    server: float | None
    driver: float
    machine: float | None


def driver_cpu() -> float:
    """CPU seconds this process (the publisher and watcher) has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def server_cpu(client: Redis) -> float | None:
    """CPU seconds the server reports having used (INFO cpu), whoever else uses it."""
    try:
        info = await client.info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])
    except (KeyError, ValueError):
        return None


async def read(client: Redis, fleet: Fleet) -> Reading:
    return Reading(
        workers={w.pid: procs.cpu_seconds(w.pid) for w in fleet.workers},
        offsets={w.pid: log_size(w.log) for w in fleet.workers},
        server=await server_cpu(client),
        driver=driver_cpu(),
        machine=procs.machine_busy_seconds(),
    )


def _delta(after: float | None, before: float | None) -> float:
    return after - before if after is not None and before is not None else 0.0


def roles(
    fleet: Fleet, before: Reading, after: Reading, articles: int, rss: dict[int, float | None]
) -> dict[str, dict[str, Any]]:
    """Per role: processes, CPU seconds and ms per article, articles per CPU second, batches, peak RSS.

    Call after the workers stopped, so that their logs are complete.
    """
    out: dict[str, dict[str, Any]] = {}
    for w in fleet.workers:
        row = out.setdefault(w.role, {"processes": 0, "cpu_s": 0.0, "sizes": [], "peak_rss_mb": []})
        row["processes"] += 1
        row["cpu_s"] += _delta(after.workers[w.pid], before.workers[w.pid])
        row["sizes"] += batch_sizes(w.log, before.offsets[w.pid])
        row["peak_rss_mb"].append(round(rss.get(w.pid) or 0.0, 1))
    for row in out.values():
        cpu_ms = 1000 * row["cpu_s"] / articles if articles else 0.0
        row["cpu_s"] = round(row["cpu_s"], 3)
        row["cpu_ms_per_article"] = round(cpu_ms, 2)
        row["articles_per_cpu_s"] = round(1000 / cpu_ms, 1) if cpu_ms else None
        row["batches"] = summary(row.pop("sizes"))
    return out


def totals(
    before: Reading, after: Reading, worker_cpu_s: float, articles: int, seconds: float
) -> dict[str, float]:
    """CPU of the server, of this process and of everything the pipeline ran (per article), and
    what other processes on the machine took meanwhile (in cores: 1.0 is one core all the time)."""
    server = _delta(after.server, before.server)
    driver = after.driver - before.driver
    machine = _delta(after.machine, before.machine)
    others = max(0.0, machine - worker_cpu_s - server - driver) if machine else 0.0
    per = 1000 / articles if articles else 0.0
    return {
        "cores_busy": round((worker_cpu_s + server) / seconds, 2) if seconds > 0 else 0.0,
        "other_processes_cores": round(others / seconds, 2) if seconds > 0 else 0.0,
        "workers_cpu_s": round(worker_cpu_s, 3),
        "server_cpu_s": round(server, 3),
        "driver_cpu_s": round(driver, 3),
        "pipeline_cpu_ms_per_article": round((worker_cpu_s + server) * per, 2),
        "workers_cpu_ms_per_article": round(worker_cpu_s * per, 2),
        "server_cpu_ms_per_article": round(server * per, 2),
        "driver_cpu_ms_per_article": round(driver * per, 2),
    }
