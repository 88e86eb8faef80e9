"""A whole benchmark: the in-process ceiling, the pipeline on a real server, optionally a scaling run.

Everything runs under a fresh key prefix and a temporary data directory; the embedded server is
started there unless ``REDIS_URL`` is set, and everything is stopped and deleted at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.bench import corpus, procs, report
from services.bench.ceiling import measure_ceiling
from services.bench.pipeline import Plan, measure
from services.bench.scaling import measure_scaling
from services.bench.sender import payloads
from services.bench.stats import summary
from services.common import connection, server
from services.common.names import STAGES
from services.common.settings import Settings

WARMUP_ARTICLES = 10


@dataclass(frozen=True)
class BenchOptions:
    """What to measure; defaults are the documented benchmark."""

    articles: int = 2000
    input: str | None = None
    rate: float | None = None
    scale: Mapping[str, int] = field(default_factory=dict)
    scaling: str | None = None
    scaling_articles: int = 600
    seed: int = 1
    poll_ms: float = 10.0
    timeout_s: float = 900.0
    keep: bool = False


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _scale(options: BenchOptions) -> dict[str, int]:
    scale = {role: 1 for role in (*STAGES, "projector")} | dict(options.scale)
    if scale["projector"] != 1 or any(scale[s] < 1 for s in STAGES):
        raise ValueError("the benchmark needs one projector and at least one process of every stage")
    return scale


def run_bench(options: BenchOptions, settings: Settings, say: Callable[[str], None] = _say) -> dict[str, Any]:
    """Run the benchmark; the report as a JSON-ready dict (``report.render`` prints it)."""
    scale = _scale(options)
    if options.input:
        items = corpus.read_jsonl(options.input, options.articles)
    else:
        items = corpus.generate(options.articles, seed=options.seed)
    warmup = payloads(corpus.generate(WARMUP_ARTICLES, seed=options.seed + 1, first=10**6))
    measured = payloads(items)
    if not measured:
        raise ValueError(f"no articles to publish in {options.input}")
    folder = Path(tempfile.mkdtemp(prefix="newsfacts-bench-"))
    bench = settings.model_copy(
        update={"data_dir": folder / "data", "prefix": f"bench{uuid.uuid4().hex[:12]}"}
    )
    started_server: server.EmbeddedServer | None = None
    load_before = os.getloadavg()
    try:
        say(f"ceiling: {len(measured)} articles through every stage in-process")
        ceiling = measure_ceiling([p.raw for p in measured], folder / "ceiling.sqlite")
        if bench.redis_url is None:
            started_server = server.ensure_server(bench)
        say(f"pipeline: {len(measured)} articles, workers {scale}, server {_where(bench)}")
        plan = Plan(
            scale, measured, warmup, options.rate, options.poll_ms / 1000, options.timeout_s,
            folder / "logs", started_server.pid if started_server else None,
        )  # fmt: skip
        pipe = asyncio.run(measure(bench, plan))
        scaling = None
        if options.scaling:
            say(f"scaling: {options.scaling} with 1 then 2 processes")
            raws = [p.raw for p in measured[: options.scaling_articles]]
            scaling = asyncio.run(
                measure_scaling(bench, options.scaling, raws, folder / "logs", timeout_s=options.timeout_s)
            )
    finally:
        if started_server is not None:
            server.stop_server(bench)
        elif bench.redis_url is not None:
            asyncio.run(_forget(bench))
        if options.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    out: dict[str, Any] = {
        "config": {
            "articles": len(measured), "input": options.input or "generated", "seed": options.seed,
            "rate": options.rate, "scale": scale, "batch_size": bench.batch_size, "block_ms": bench.block_ms,
            "cores": procs.cores(), "server": _where(bench), "prefix": bench.prefix,
            "poll_ms": options.poll_ms,
            # Other work on the machine takes cores from the pipeline: read the figures with this.
            "load_average_1m": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        },
        "corpus": _corpus(items, options),
        "ceiling": ceiling.to_dict(),
        "pipeline": pipe,
        "comparison": _comparison(ceiling.per_core, ceiling.cpu_ms_per_article, pipe),
        "scaling": scaling,
    }  # fmt: skip
    out["targets"] = report.targets(out)
    return out


def _where(settings: Settings) -> str:
    if settings.redis_url is None:
        return "embedded (temporary data dir)"
    return connection.redact(settings.redis_url.get_secret_value())


async def _forget(settings: Settings) -> None:
    """Delete every key the benchmark made on a server that is not its own."""
    client = connection.client(connection.redis_url(settings))
    try:
        for pattern in (f"{settings.prefix}:*", f"{settings.prefix}-s?:*"):
            keys = [k async for k in client.scan_iter(match=pattern, count=1000)]
            if keys:
                await client.delete(*keys)
    finally:
        with contextlib.suppress(Exception):
            await client.aclose()


def _corpus(items: list[Any], options: BenchOptions) -> dict[str, Any]:
    sizes = [corpus.content_bytes(i) / 1024 for i in items]
    kb = summary(sizes)
    return {
        "source": options.input or f"generated, seed {options.seed}",
        "articles": len(items),
        "html": sum(1 for i in items if i.article and "html" in i.article),
        "kb": {**kb, "min": round(min(sizes), 1)},
    }


def _comparison(per_core: float, ceiling_ms: float, pipe: dict[str, Any]) -> dict[str, Any]:
    """The pipeline against the ceiling (definitions in docs/bench.md).

    ``throughput_ratio`` is the judged one: articles/s over the ceiling's rate on the cores the
    pipeline could have had, i.e. the machine's cores less what other processes used meanwhile (on a
    quiet machine, all of them). ``cpu_efficiency`` is ceiling CPU per article over pipeline CPU per
    article (workers and server): the cost of the broker alone, whatever the cores did.
    """
    cores = procs.cores()
    available = max(0.1, cores - pipe["cpu"]["other_processes_cores"])
    rate = pipe["articles_per_s"]
    pipeline_ms = pipe["cpu"]["pipeline_cpu_ms_per_article"]
    return {
        "cores": cores,
        "cores_available": round(available, 2),
        "ceiling_at_equal_cores": round(per_core * available, 1),
        "throughput_ratio": round(rate / (per_core * available), 3) if rate and per_core else None,
        "throughput_ratio_all_cores": round(rate / (per_core * cores), 3) if rate and per_core else None,
        "cpu_efficiency": round(ceiling_ms / pipeline_ms, 3) if pipeline_ms else None,
    }
