"""``newsfacts replay``: rebuild read models from the log; reprocess articles with current code."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from contextlib import closing
from dataclasses import asdict
from pathlib import Path
from typing import Any

from services.cli.output import emit_json, fail
from services.common import connection
from services.common.settings import Settings
from services.projector import generations, queries
from services.projector.store import ReadModelStore
from services.replay.log import parse_until, total_entries
from services.replay.rebuild import Progress, RebuildReport, replay_into
from services.replay.reprocess import ReprocessReport, Selection, parse_where, reprocess


async def _rebuild(settings: Settings, target: Path, until: str, batch: int, switch: bool) -> RebuildReport:
    client = connection.client(connection.redis_url(settings))
    started = time.perf_counter()
    try:
        progress = Progress(await total_entries(client, settings.names))
        with ReadModelStore.open(target) as store:
            events = await replay_into(
                client, settings.names, store, until=until, batch=batch, progress=progress
            )
            if switch:
                # Catch up with what arrived during the rebuild, then point readers (and the projector) here.
                events += await replay_into(client, settings.names, store, batch=batch, progress=progress)
                previous = generations.switch(settings, target)
                if previous is not None and previous != target:
                    generations.drop(previous)
            progress.finish()
            return RebuildReport(events, time.perf_counter() - started, store.checksum())
    finally:
        await client.aclose()


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    try:
        until = parse_until(args.until) if args.until else "+"
    except ValueError as exc:
        return fail(str(exc))
    live = args.until is None and args.output is None
    if args.output:
        target = Path(args.output)
        if target.exists():
            return fail(f"{target} exists; pick another --output")
    elif args.until:
        target = settings.readmodel_path.with_name(f"{settings.prefix}.asof-{until.split('-')[0]}.sqlite")
        generations.drop(target)
    else:
        target = generations.next_generation(settings)
    report = asyncio.run(_rebuild(settings, target, until, args.batch, switch=live))
    result: dict[str, Any] = {
        "events": report.events,
        "seconds": round(report.seconds, 3),
        "events_per_s": round(report.rate),
        "checksum": report.checksum,
        "store": str(target),
        "switched": live,
    }
    if args.json:
        emit_json(result)
    else:
        where = "now live" if live else f"query it with --store {target}"
        print(f"read models rebuilt in {target} ({where}); checksum {report.checksum}")
        print(f"replayed {report.events:,} events in {report.seconds:.2f} s: {report.rate:,.0f} events/s")
    return 0


def register(sub: Any) -> None:
    replay = sub.add_parser("replay", help="rebuild read models from the log")
    verbs = replay.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser("rebuild", help="fresh read models from the whole log, switched in atomically")
    p.add_argument(
        "--until", metavar="POS|TIME", help="only the log up to an entry id or ISO time (no switch)"
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of a new live generation")
    p.add_argument("--batch", type=int, default=5000, help="entries per read and per transaction")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rebuild)
    register_reprocess(verbs)


def cmd_reprocess(args: argparse.Namespace, settings: Settings) -> int:
    from services.stages import STAGES

    stage = STAGES[args.stage]
    try:
        where = parse_where(args.where or [])
        since = parse_until(args.since).replace("-18446744073709551615", "-0") if args.since else "-"
        until = parse_until(args.until) if args.until else "+"
    except ValueError as exc:
        return fail(str(exc))
    allowed = None
    if "topic" in where or args.made_by:
        if not settings.readmodel_path.exists():
            return fail("--where topic= and --made-by need the read models: run the projector first", 1)
        made_by = f"{stage.name}/{args.made_by}" if args.made_by and "/" not in args.made_by else args.made_by
        with closing(queries.connect_readonly(settings.readmodel_path)) as conn:
            allowed = queries.article_ids(
                conn, topic=where.get("topic"), stage=stage.name if made_by else None, stageversion=made_by
            )
    selection = Selection(
        since=since, until=until, articles=frozenset(args.article or ()), source=where.get("source"),
        allowed=frozenset(allowed) if allowed is not None else None,
    )  # fmt: skip

    async def run() -> ReprocessReport:
        client = connection.client(connection.redis_url(settings))
        try:
            return await reprocess(client, settings.names, stage, selection, reason=" ".join(sys.argv[1:]))
        finally:
            await client.aclose()

    report = asyncio.run(run())
    if args.json:
        emit_json(asdict(report))
    else:
        print(
            f"{stage.producer}: scanned {report.scanned} input(s), selected {report.selected}, "
            f"requested {report.requested}, already done by this version {report.already_current}"
        )
    return 0


def register_reprocess(verbs: Any) -> None:
    p = verbs.add_parser("reprocess", help="run a stage's current code again on historical articles")
    p.add_argument("--stage", required=True, choices=["clean", "classify", "enrich", "index"])
    p.add_argument("--since", metavar="POS|TIME")
    p.add_argument("--until", metavar="POS|TIME")
    p.add_argument("--article", action="append", metavar="ID", help="only this article (repeatable)")
    p.add_argument("--where", action="append", metavar="topic=X|source=Y", help="filter (repeatable)")
    p.add_argument("--made-by", metavar="VERSION", help="only articles whose current facts come from VERSION")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reprocess)
