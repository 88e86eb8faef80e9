"""``newsfacts archive``: copy sealed log segments to the archive and trim the hot tier; or show it."""

from __future__ import annotations

import argparse
from typing import Any

from services import archive
from services.archive.store import ArchiveCorrupt
from services.cli.output import emit_json, fail, table
from services.common.settings import Settings


def cmd_archive(args: argparse.Namespace, settings: Settings) -> int:
    if args.watch:
        archive.run_archiver(settings)
        return 0
    if args.no_trim:
        settings = settings.model_copy(update={"retention": "never"})
    worker = archive.archiver(settings)
    try:
        if args.status:
            rows = worker.status()
            if args.json:
                emit_json({"archive": worker.archive.url, "retention": settings.retention, "streams": rows})
            else:
                _print_status(worker.archive.url, settings.retention, rows)
            return 0
        report = worker.run_once(seal=args.seal)
    except ArchiveCorrupt as exc:
        return fail(f"the archive is damaged: {exc}", 1)
    finally:
        worker.close()
    if args.json:
        emit_json({"archive": worker.archive.url, **report.as_json()})
        return 0
    archived, trimmed = sum(report.archived.values()), sum(report.trimmed.values())
    print(
        f"archived {archived:,} entries in {report.segments} segment(s) to {worker.archive.url}; "
        f"trimmed {trimmed:,} from Redis"
    )
    if report.busy:
        print(f"partitions {report.busy} skipped: another archiver holds them")
    return 0


def _print_status(url: str, retention: str, rows: list[dict[str, Any]]) -> None:
    print(f"archive {url} (retention {retention})")
    headers = ["stream", "hot", "archived", "segments", "archived until", "trimmed before"]
    cells = [
        [r["stream"], f"{r['hot']:,}", f"{r['archived']:,}", str(r["segments"]), r["archived_until"],
         r["trimmed_before"]]
        for r in rows
    ]  # fmt: skip
    print(table(cells, headers))
    for partition in sorted({r["partition"] for r in rows}):
        first = next(r for r in rows if r["partition"] == partition)
        if first["held_by"]:
            held = f" at {first['held_at']}" if first["held_at"] else ""
            print(f"partition {partition}: the trim is held{held}: {first['held_by']}")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "archive",
        help="copy sealed log segments to the archive (Parquet) and trim what is safe from Redis",
        description="One pass: archive every full segment (and any older than NEWSFACTS_ARCHIVE_SEAL_S), "
        "then trim the hot tier to what consumers, projectors and NEWSFACTS_RETENTION still need.",
    )
    p.add_argument(
        "--seal", action="store_true", help="also archive the partial segments (everything so far)"
    )
    p.add_argument("--no-trim", action="store_true", help="archive only; leave Redis as it is")
    p.add_argument("--watch", action="store_true", help="keep running a pass every NEWSFACTS_ARCHIVE_EVERY_S")
    p.add_argument("--status", action="store_true", help="show what is hot, archived and trimmed, and why")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_archive)
