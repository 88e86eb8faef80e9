"""``newsfacts demo``: start everything, publish the seeds, wait until they are projected, show, stop."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from services import readstore
from services.cli import render
from services.cli.output import emit_json, fail
from services.cli.supervisor import Supervisor
from services.common import connection, identity, server
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.projector import queries
from services.publish.publisher import PublishReport, publish
from services.publish.sources import read_paths

#: The seed articles shipped in the package (``seeds/`` of the source tree links here).
DEFAULT_SEEDS = Path(__file__).resolve().parent / "seeds"


def cmd_demo(args: argparse.Namespace, settings: Settings, ensure_server: Callable[[Settings], bool]) -> int:
    seeds = Path(args.seeds)
    if not seeds.exists():
        return fail(f"{seeds}: no such folder (pass --seeds PATH)")
    started = ensure_server(settings)
    supervisor = Supervisor({}, quiet=not args.verbose)
    supervisor.start()
    try:
        report = asyncio.run(_publish(settings, seeds))
        print(f"published {report.sent} seed item(s); waiting for the pipeline…", file=sys.stderr, flush=True)
        done = _wait(settings, report, args.timeout)
        summary = _summary(settings)
    finally:
        codes = supervisor.stop()
        if started:
            server.stop_server(settings)
    if args.json:
        emit_json({"published": report.sent, "projected": done, "workers_exit": codes, **_jsonable(summary)})
    else:
        _print(summary, done, report.sent)
    return 0 if done == len(report.correlation_ids) else 1


async def _publish(settings: Settings, seeds: Path) -> PublishReport:
    client = connection.client(connection.redis_url(settings))
    try:
        await identity.bind(client, settings)
        await ensure_topology(client, settings.names)
        return await publish(client, settings.names, read_paths([str(seeds)]))
    finally:
        await client.aclose()


def _wait(settings: Settings, report: PublishReport, timeout: float) -> int:
    """Poll the read models until every published item has an outcome (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        with readstore.reader_if_any(settings) as conn:
            if conn is not None:
                try:
                    done = queries.outcomes(conn, report.correlation_ids)
                except sqlite3.OperationalError:  # the file is there, its tables not yet
                    done = 0
        if done >= len(report.correlation_ids):
            break
        time.sleep(0.2)
    return done


def _summary(settings: Settings) -> dict[str, Any]:
    """What was learned, as views (``to_dict()`` for JSON)."""
    with readstore.reader(settings) as conn:
        found = queries.search(conn, "Xiaomi", limit=1)
        return {
            "counters": queries.counters(conn),
            "topics": queries.topics(conn),
            "search": queries.search(conn, "electric car mass production", limit=3),
            "entities": [p for n in ("Xiaomi", "Elon Musk", "Hong Kong") if (p := queries.entity(conn, n))],
            "articles": [v for h in found if (v := queries.article(conn, h.article_id))],
        }


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: [x.to_dict() for x in v] if isinstance(v, list) else v for k, v in summary.items()}


def _print(summary: dict[str, Any], done: int, sent: int) -> None:
    print(f"\n{done} of {sent} seed item(s) projected.\n\n== pipeline counters")
    for name, value in sorted(summary["counters"].items()):
        print(f"  {name}: {value}")
    print("\n== topics\n" + render.topics(summary["topics"]))
    for view in summary["articles"]:
        print("\n== the seed article\n" + render.article(view))
    for page in summary["entities"]:
        print("\n== entity\n" + render.entity(page))
    print("\n== search: electric car mass production\n" + render.hits(summary["search"]))


def register(sub: Any, *, ensure_server: Callable[[Settings], bool]) -> None:
    p = sub.add_parser("demo", help="start everything, publish the seeds, wait, print what was learned, stop")
    p.add_argument(
        "--seeds", default=str(DEFAULT_SEEDS), help="folder or file to publish (default: the seeds)"
    )
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the pipeline")
    p.add_argument("--verbose", action="store_true", help="show the workers' logs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=lambda a, s: cmd_demo(a, s, ensure_server))
