"""``newsfacts replay``: rebuild read models from the log; reprocess articles with current code."""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
from pathlib import Path
from typing import Any

from services import readstore
from services.archive import open_archive
from services.cli import reprocess
from services.cli.output import emit_json, fail
from services.common import connection, identity
from services.common.settings import Settings
from services.projector import generations, logbinding
from services.projector.checksum import checksum
from services.readstore.rebuilds import Target
from services.replay.log import parse_until, total_entries
from services.replay.reader import ReaderFailed
from services.replay.rebuild import (
    BATCH,
    BadEntries,
    BadEntry,
    Progress,
    RebuildReport,
    rebuild_from,
    replay_into,
)


async def _rebuild(
    settings: Settings, target: Target, until: str, batch: int, switch: bool, bad: BadEntries
) -> RebuildReport:
    """Build ``target`` from the log; switch readers to it when ``switch``. A failed build leaves nothing."""
    url = connection.redis_url(settings)
    client = connection.client(url)
    started = time.perf_counter()
    archive = open_archive(settings)
    try:
        log = await identity.bind(client, settings)
        archive.check_log(log.log_id)
        if switch:
            _check_live(settings, log.log_id)  # never replace another log's read models
        progress = Progress(await total_entries(client, settings.names, archive))
        with target.open() as store:
            logbinding.record_log_id(store.connection, log.log_id)
            events = rebuild_from(
                url, settings.names, store, until=until, batch=batch, progress=progress, bad=bad,
                archive=archive,
            )  # fmt: skip
            if switch:
                # Catch up with what arrived during the rebuild, then point readers (and the projector) here.
                events += await replay_into(
                    client, settings.names, store, batch=batch, progress=progress, bad=bad, archive=archive
                )
            store.settle()
            seconds = time.perf_counter() - started
            report = RebuildReport(events, seconds, store.checksum(), tuple(bad.found))
    except BaseException:
        target.abandon()  # a half-built store must never be taken for a generation
        raise
    finally:
        await client.aclose()
    progress.finish()
    if switch:
        target.switch()
    return report


def _check_live(settings: Settings, log_id: str) -> None:
    with readstore.reader_if_any(settings) as conn:
        if conn is not None:
            logbinding.check_log_id(conn, log_id, readstore.describe(settings))


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process (the writer) and of its largest child (the reader), in MB."""
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"writer": round(mine, 1), "reader": round(reader, 1)}


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    try:
        until = parse_until(args.until) if args.until else "+"
    except ValueError as exc:
        return fail(str(exc))
    live = args.until is None and args.output is None
    target: Target
    if args.output:
        if Path(args.output).exists():
            return fail(f"{args.output} exists; pick another --output")
        target = readstore.file_rebuild(settings, Path(args.output))
    elif args.until:
        path = settings.readmodel_path.with_name(f"{settings.prefix}.asof-{until.split('-')[0]}.sqlite")
        generations.drop(path)
        target = readstore.file_rebuild(settings, path)
    else:
        target = readstore.live_rebuild(settings)
    bad = BadEntries(settings.names, skip=args.skip_bad)
    try:
        report = asyncio.run(_rebuild(settings, target, until, args.batch, live, bad))
    except BadEntry as exc:
        return fail(
            f"rebuild stopped at an entry this code cannot read: {exc}. Nothing was switched in; "
            "--skip-bad skips such entries (counted and listed), as the live projector does", 2
        )  # fmt: skip
    except ReaderFailed as exc:
        return fail(f"rebuild stopped: {exc}. Nothing was switched in", 1)
    result: dict[str, Any] = {
        "events": report.events,
        "seconds": round(report.seconds, 3),
        "events_per_s": round(report.rate),
        "checksum": report.checksum,
        "store": target.where,
        "switched": live,
        "skipped_bad": list(report.skipped),
        "peak_rss_mb": peak_rss_mb(),
    }
    if args.json:
        emit_json(result)
    else:
        where = "now live" if live else f"query it with --store {target.where}"
        print(f"read models rebuilt in {target.where} ({where}); checksum {report.checksum}")
        rss = peak_rss_mb()
        print(
            f"replayed {report.events:,} events in {report.seconds:.2f} s: {report.rate:,.0f} events/s; "
            f"peak memory {rss['writer']:,.0f} MB (writer), {rss['reader']:,.0f} MB (reader)"
        )
        if report.skipped:
            print(f"skipped {len(report.skipped):,} entries this code cannot read:")
            for line in report.skipped:
                print(f"  {line}")
    return 0


def cmd_checksum(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with readstore.reader(settings, args.store) as conn:
            digest = checksum(conn)
    except readstore.NoReadModels as exc:
        return fail(str(exc), 1)
    if args.json:
        where = args.store or readstore.describe(settings)
        emit_json({"store": str(where), "checksum": digest})
    else:
        print(digest)
    return 0


def register(sub: Any) -> None:
    replay = sub.add_parser("replay", help="rebuild read models from the log; reprocess with current code")
    verbs = replay.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser("rebuild", help="fresh read models from the whole log, switched in atomically")
    p.add_argument(
        "--until", metavar="POS|TIME", help="only the log up to an entry id or ISO time (no switch)"
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of a new live generation")
    p.add_argument(
        "--batch", type=positive_int, default=BATCH, help="entries per stream per read and per transaction"
    )
    p.add_argument(
        "--skip-bad", action="store_true",
        help="skip entries this code cannot read (count and list them) instead of stopping",
    )  # fmt: skip
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rebuild)
    p = verbs.add_parser("checksum", help="the digest of the read models, to compare a store with a rebuild")
    p.add_argument("--store", metavar="FILE", help="this store instead of the live one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_checksum)
    reprocess.register_reprocess(verbs)
