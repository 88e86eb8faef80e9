"""One measured run of the real pipeline: workers as processes, articles published, each one watched
until it is visible in the read models; then a rebuild of the whole log into a fresh store."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from services.bench import procs, timeline, usage
from services.bench.archive import measure_archive
from services.bench.fleet import Fleet
from services.bench.replay import measure_replay
from services.bench.sender import Payload, Sent, send
from services.bench.stats import summary
from services.bench.watcher import watch
from services.common import connection
from services.common.settings import Settings
from services.common.topology import ensure_topology


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run: the workers, the articles (and a few to warm up with), and how to publish them."""

    scale: Mapping[str, int]
    measured: Sequence[Payload]
    warmup: Sequence[Payload]
    rate: float | None
    poll_s: float
    timeout_s: float
    logs: Path
    server_pid: int | None


async def _until_store(settings: Settings, fleet: Fleet, timeout_s: float) -> Path:
    deadline = time.monotonic() + timeout_s
    while not settings.readmodel_path.exists():
        fleet.check()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the projector made no store at {settings.readmodel_path}")
        await asyncio.sleep(0.05)
    return settings.readmodel_path


async def _publish(
    client: Redis, settings: Settings, fleet: Fleet, items: Sequence[Payload], plan: Plan, rate: float | None
) -> tuple[Sent, dict[str, float]]:
    sent = Sent()
    store = await _until_store(settings, fleet, plan.timeout_s)
    async with asyncio.TaskGroup() as group:
        group.create_task(send(client, settings.names, items, sent, rate=rate))
        seen = group.create_task(
            watch(store, sent, poll_s=plan.poll_s, timeout_s=plan.timeout_s, alive=fleet.check)
        )
    return sent, seen.result()


async def measure(settings: Settings, plan: Plan) -> dict[str, Any]:
    """Run the plan against the server in ``settings``; the figures as a JSON-ready dict."""
    client = connection.client(connection.redis_url(settings))
    names = settings.names
    fleet = Fleet(plan.scale, settings, plan.logs)
    try:
        try:
            await ensure_topology(client, names)
            fleet.start()
            await _publish(
                client, settings, fleet, plan.warmup, plan, None
            )  # every worker warm, every path taken
            since = await timeline.marks(client, names)
            before = await usage.read(client, fleet)
            sent, seen = await _publish(client, settings, fleet, plan.measured, plan, plan.rate)
            after = await usage.read(client, fleet)
            rss = {w.pid: procs.peak_rss_mb(w.pid) for w in fleet.workers}
            server_rss = procs.peak_rss_mb(plan.server_pid) if plan.server_pid else None
            spans = await timeline.stage_spans(client, names, since)
            terminal = await timeline.terminal(client, names, since)
        finally:
            exits = fleet.stop()
        replay = measure_replay(settings, plan.logs.parent / "replay.sqlite")
        replay["archive"] = measure_archive(
            settings, plan.logs.parent, replay["live_checksum"], len(plan.warmup) + len(plan.measured)
        )
    finally:
        await client.aclose()
    ids = sent.correlations
    started, ended = min(sent.sent_at.values()), max(seen[c] for c in ids)
    roles = usage.roles(fleet, before, after, len(ids), rss)
    for stage, span in spans.items():
        roles[stage]["observed"] = span
    seconds = ended - started
    cpu = usage.totals(before, after, sum(r["cpu_s"] for r in roles.values()), len(ids), seconds)
    visible = [1000 * (seen[c] - sent.sent_at[c]) for c in ids]
    in_log = [terminal[c][0] - sent.entry_ms[c] for c in ids if c in terminal]
    lag = [1000 * seen[c] - terminal[c][0] for c in ids if c in terminal]
    return {
        "articles": len(ids),
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(ids) / seconds, 2) if seconds > 0 else None,
        "outcomes": dict(Counter(kind for c, (_, kind) in terminal.items() if c in sent.sent_at)),
        "latency_ms": {
            "visible": summary(visible),
            "in_log": summary(in_log),
            "projector_lag": summary(lag),
            "poll_ms": round(plan.poll_s * 1000, 1),
        },
        "cpu": cpu,
        "roles": roles,
        "server": {"peak_rss_mb": round(server_rss, 1) if server_rss else None},
        "replay": replay,
        "worker_exits": exits,
    }
