"""``newsfacts replay reprocess``: run a stage's current code again on chosen historical articles.

By default it appends reprocess requests that the stage's workers resolve. With
``--shadow`` it runs the stage and the stages after it in-process on the same
inputs into a copy of the live read models, prints what would change, and appends
nothing; ``--shadow --swap`` then appends the requests, so the change happens
through the log.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import closing
from dataclasses import asdict
from pathlib import Path
from typing import Any

from services import readstore
from services.archive import open_archive
from services.cli.output import emit_json, fail
from services.common import connection, identity
from services.common.names import STAGES as ORDER
from services.common.settings import Settings
from services.common.stage import Stage
from services.projector import audit, queries
from services.replay import diff
from services.replay.log import parse_until
from services.replay.reprocess import ReprocessReport, reprocess
from services.replay.selection import Selection, parse_where, select_inputs


class BadRequest(ValueError):
    """Arguments that cannot select anything: exit 2 (or 1 when the read models are missing)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def made_by(stage: Stage, value: str) -> tuple[str, str]:
    """``--made-by 9.0.0`` is the stage's own version; ``--made-by classify/1.1.0`` names any stage's."""
    name, sep, version = value.rpartition("/")
    name = name if sep else stage.name
    if name not in ORDER or not version:
        raise BadRequest(
            f"--made-by takes VERSION or STAGE/VERSION (STAGE one of {', '.join(ORDER)}), not {value!r}"
        )
    return name, f"{name}/{version}"


def selection_for(args: argparse.Namespace, settings: Settings, stage: Stage) -> Selection:
    """The ``Selection`` the arguments describe; read-model criteria are resolved to article ids here."""
    try:
        where = parse_where(args.where or [])
        since = parse_until(args.since).replace("-18446744073709551615", "-0") if args.since else "-"
        until = parse_until(args.until) if args.until else "+"
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    maker = made_by(stage, args.made_by) if args.made_by else None
    with readstore.reader_if_any(settings) as conn:
        if conn is None:
            if "topic" in where or maker:
                hint = "--where topic= and --made-by need the read models: run the projector first"
                raise BadRequest(hint, 1)
            return Selection(since, until, frozenset(args.article or ()), where.get("source"))
        allowed = None
        if "topic" in where or maker:
            found = queries.article_ids(
                conn, topic=where.get("topic"), stage=maker[0] if maker else None,
                stageversion=maker[1] if maker else None,
            )  # fmt: skip
            allowed = frozenset(found)
        retracted = frozenset(audit.retracted_ids(conn))
    return Selection(since, until, frozenset(args.article or ()), where.get("source"), allowed, retracted)


def cmd_reprocess(args: argparse.Namespace, settings: Settings) -> int:
    from services.stages import STAGES

    stage = STAGES[args.stage]
    try:
        selection = selection_for(args, settings, stage)
    except BadRequest as exc:
        return fail(str(exc), exc.code)
    if args.swap and not args.shadow:
        return fail("--swap goes with --shadow: it reprocesses for real once the shadow's diff is shown")
    if args.shadow:
        chain = [STAGES[name] for name in ORDER[ORDER.index(stage.name) :]]
        return _shadow(args, settings, chain, selection)
    reason = " ".join(sys.argv[1:])

    async def run() -> ReprocessReport:
        client = connection.client(connection.redis_url(settings))
        try:
            await identity.bind(client, settings)
            archive = open_archive(settings)
            return await reprocess(client, settings.names, stage, selection, reason=reason, archive=archive)
        finally:
            await client.aclose()

    report = asyncio.run(run())
    if args.json:
        emit_json(asdict(report))
    else:
        print(_requested(stage, report))
    return 0


def _requested(stage: Stage, report: ReprocessReport) -> str:
    return (
        f"{stage.producer}: scanned {report.scanned} input(s), selected {report.selected} "
        f"(skipped {report.superseded} superseded by a later input of their article), "
        f"requested {report.requested}, already done by this version {report.already_current}"
    )


def _shadow(args: argparse.Namespace, settings: Settings, chain: list[Stage], selection: Selection) -> int:
    from services.replay.shadow import ShadowStore, run_shadow  # loads every stage's libraries

    if readstore.is_postgres(settings.read_store_url):
        return fail(
            "--shadow copies a SQLite live store; on a PostgreSQL read store it is not supported yet", 2
        )
    live = settings.readmodel_path
    if not live.exists():
        return fail(f"no read models at {live} to compare with: run the projector first", 1)
    target = (
        Path(args.output)
        if args.output
        else live.with_name(f"{settings.prefix}.shadow-{chain[0].name}.sqlite")
    )
    stage, reason = chain[0], " ".join(sys.argv[1:])

    async def run() -> dict[str, Any]:
        client = connection.client(connection.redis_url(settings))
        try:
            archive = open_archive(settings)
            scan = await select_inputs(client, settings.names, stage, selection, archive=archive)
            shadow = ShadowStore(live, target)
            try:
                made = await run_shadow(client, settings.names, chain, scan.chosen, shadow, archive=archive)
                with closing(queries.connect_readonly(live)) as conn:
                    changes = diff.compare(conn, shadow.store.connection, made.articles)
            finally:
                shadow.close()
            swapped = None
            if args.swap:
                swapped = await reprocess(client, settings.names, stage, selection, reason=reason, scan=scan)
            return {
                "stage": stage.producer, "stages": [s.producer for s in chain], "scanned": scan.scanned,
                "selected": len(scan.chosen), "superseded": scan.superseded, "facts": made.facts,
                "rejected": made.rejected, "errors": made.errors, "store": str(target),
                "diff": changes, "swap": swapped,
            }  # fmt: skip
        finally:
            await client.aclose()

    result = asyncio.run(run())
    changes: diff.ShadowDiff = result["diff"]
    swapped: ReprocessReport | None = result["swap"]
    if args.json:
        emit_json({**result, "diff": changes.to_dict(), "swap": asdict(swapped) if swapped else None})
        return 0
    print(
        f"shadow: {' -> '.join(result['stages'])} run in-process on {result['selected']} input(s) "
        f"(scanned {result['scanned']}, {result['superseded']} superseded): {result['facts']} fact(s), "
        f"{result['rejected']} rejected"
    )
    for error in result["errors"]:
        print(f"  error: {error}", file=sys.stderr)
    print(diff.render(changes))
    print(f"shadow read models kept in {target} (query them with --store {target})")
    if swapped is None:
        print("nothing was appended to the log; --swap reprocesses for real")
    else:
        print("swap: " + _requested(stage, swapped))
    return 0


def register_reprocess(verbs: Any) -> None:
    p = verbs.add_parser("reprocess", help="run a stage's current code again on historical articles")
    p.add_argument("--stage", required=True, choices=["clean", "classify", "enrich", "index"])
    p.add_argument("--since", metavar="POS|TIME")
    p.add_argument("--until", metavar="POS|TIME")
    p.add_argument("--article", action="append", metavar="ID", help="only this article (repeatable)")
    p.add_argument("--where", action="append", metavar="topic=X|source=Y", help="filter (repeatable)")
    p.add_argument(
        "--made-by",
        metavar="[STAGE/]VERSION",
        help="only articles whose facts in force come from this version (of --stage, or of STAGE)",
    )
    p.add_argument(
        "--shadow", action="store_true", help="run in-process into a copy of the read models, show the diff"
    )
    p.add_argument(
        "--swap", action="store_true", help="with --shadow: then reprocess for real (append the requests)"
    )
    p.add_argument("--output", metavar="FILE", help="with --shadow: where to keep the shadow store")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reprocess)
