"""``newsfacts schemas`` and ``newsfacts validate``: the published JSON Schemas, and the log checked."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from redis.asyncio import Redis

from services.archive import open_archive
from services.archive.store import Archive
from services.archive.tiers import stream_rows
from services.cli.output import emit_json, fail
from services.common import connection
from services.common.events.published import FOLDER, Verdict, check, schema_files
from services.common.names import LOG_STREAMS, STAGE_INPUT, Names, text
from services.common.settings import Settings
from services.common.stage import entry_payload
from services.ingest.stage import bare_article

#: Entries read per XRANGE call.
PAGE = 1000


def cmd_schemas(args: argparse.Namespace, settings: Settings) -> int:
    files = schema_files()
    if args.out:
        out = Path(args.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            for path in [*files, FOLDER / "README.md", FOLDER / "MANIFEST.sha256"]:
                shutil.copyfile(path, out / path.name)
        except OSError as exc:
            return fail(f"cannot write the schemas to {out}: {exc}")
        print(f"wrote {len(files)} schema(s), README.md and MANIFEST.sha256 to {out}", file=sys.stderr)
        return 0
    if args.json:
        emit_json([{"file": p.name, "path": str(p)} for p in files])
        return 0
    print(f"{len(files)} published schema(s) in {FOLDER} (the versioning rule: README.md there)")
    for path in files:
        print(f"  {path.name}")
    return 0


def verdict(payload: bytes, stream: str, entry_id: str, names: Names) -> Verdict:
    """One entry checked: a bare article on the submitted stream as the submission ingest reads it as."""
    if stream == STAGE_INPUT["ingest"] and (bare := bare_article(payload, entry_id, names)) is not None:
        return check(orjson.loads(bare.model_dump_json()))
    try:
        event = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        return Verdict(None, None, f"not JSON: {exc}")
    return check(event)


async def validate_streams(
    client: Redis, names: Names, streams: list[str], show: int, archive: Archive | None = None
) -> dict[str, Any]:
    """Every entry of ``streams`` (archived ones too) checked; counts per stream and type, and the
    first ``show`` problems."""
    report: dict[str, Any] = {"checked": 0, "invalid": 0, "streams": {}, "problems": []}
    for short in streams:
        counts: Counter[str] = Counter()
        invalid = 0
        async for rows in stream_rows(client, names, short, batch=PAGE, archive=archive):
            for raw_id, fields in rows:
                entry_id = text(raw_id)
                found = verdict(entry_payload(fields), short, entry_id, names)
                counts[found.event_type or "(unknown)"] += 1
                if found.problem is not None:
                    invalid += 1
                    if len(report["problems"]) < show:
                        problem = {"stream": short, "entry_id": entry_id, "type": found.event_type}
                        report["problems"].append({**problem, "schema": found.schema, "error": found.problem})
        total = sum(counts.values())
        report["streams"][short] = {
            "checked": total,
            "invalid": invalid,
            "types": dict(sorted(counts.items())),
        }
        report["checked"] += total
        report["invalid"] += invalid
    return report


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    unknown = [s for s in args.streams if s not in LOG_STREAMS]
    if unknown:
        return fail(f"no log stream {unknown[0]!r}: choose from {', '.join(LOG_STREAMS)}")

    async def run() -> dict[str, Any]:
        client = connection.client(connection.redis_url(settings))
        try:
            streams = args.streams or list(LOG_STREAMS)
            return await validate_streams(client, settings.names, streams, args.show, open_archive(settings))
        finally:
            await client.aclose()

    report = asyncio.run(run())
    if args.json:
        emit_json(report)
    else:
        for short, row in report["streams"].items():
            types = ", ".join(f"{t} {n}" for t, n in row["types"].items()) or "empty"
            counts = f"{row['checked']} checked, {row['invalid']} invalid"
            print(f"{settings.names.stream(short)}: {counts} ({types})")
        for p in report["problems"]:
            print(f"  {p['stream']}/{p['entry_id']} {p['type'] or '?'}: {p['error']}")
        if report["invalid"] > len(report["problems"]):
            print(f"  … and {report['invalid'] - len(report['problems'])} more (--show N)")
    return 1 if report["invalid"] else 0


def register(sub: Any) -> None:
    p = sub.add_parser("schemas", help="list the published JSON Schemas of the events, or copy them (--out)")
    p.add_argument("--out", metavar="DIR", help="copy every schema, the README and the manifest into DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_schemas)

    p = sub.add_parser("validate", help="check every event of the log streams against its published schema")
    p.add_argument("streams", nargs="*", metavar="STREAM", help=f"{', '.join(LOG_STREAMS)} (default: all)")
    p.add_argument("--show", type=int, default=20, metavar="N", help="problems to list (default 20)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_validate)
