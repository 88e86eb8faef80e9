"""``newsfacts bench``: measure the pipeline against a real server and print (and save) the report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import orjson

from services.cli.output import fail
from services.cli.supervisor import parse_scale
from services.common.names import STAGES
from services.common.settings import Settings


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here so that every other command (workers above all) does not load the benchmark.
    from services.bench.fleet import WorkerDied
    from services.bench.report import render
    from services.bench.run import BenchOptions, run_bench
    from services.bench.watcher import Timeout

    try:
        options = BenchOptions(
            articles=args.articles,
            input=args.input,
            rate=args.rate,
            scale=parse_scale(args.scale or []),
            scaling=args.scaling,
            scaling_articles=args.scaling_articles,
            seed=args.seed,
            poll_ms=args.poll_ms,
            timeout_s=args.timeout,
            keep=args.keep,
        )
        report = run_bench(options, settings)
    except (ValueError, OSError) as exc:
        return fail(str(exc))
    except (WorkerDied, Timeout, TimeoutError) as exc:
        return fail(f"the benchmark did not finish: {exc}", 1)
    print(render(report))
    if args.json:
        Path(args.json).write_bytes(
            orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        )
        print(f"\nreport written to {args.json}")
    return 0


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value

    return parse


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark: throughput, latency, CPU per stage, memory, replay, vs the in-process ceiling",
        description="Runs the in-process ceiling, then the real pipeline (one process per stage and the "
        "projector) on a temporary embedded server (or REDIS_URL) under a fresh key prefix, and reports "
        "against the targets. A measurement: it exits 0 whether targets pass or fail. See docs/bench.md.",
    )
    p.add_argument("--articles", type=_positive(int), default=2000, help="articles to publish (default 2000)")
    p.add_argument("--input", metavar="FILE.jsonl", help="publish these articles instead of generated ones")
    p.add_argument("--rate", type=_positive(float), metavar="R", help="publish R articles/s (default: max)")
    p.add_argument("--scale", action="append", metavar="ROLE=N", help="processes of a role (repeatable)")
    p.add_argument(
        "--scaling", choices=STAGES, metavar="STAGE", help="also measure STAGE at 1 then 2 processes"
    )
    p.add_argument("--scaling-articles", type=_positive(int), default=600, help="inputs for --scaling")
    p.add_argument("--seed", type=int, default=1, help="seed of the generated articles")
    p.add_argument("--poll-ms", type=_positive(float), default=10.0, help="read-model polling interval")
    p.add_argument("--timeout", type=_positive(float), default=900.0, help="seconds to wait for the pipeline")
    p.add_argument("--json", metavar="OUT", help="also write the report as JSON to OUT")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, stores)")
    p.set_defaults(handler=cmd_bench)
