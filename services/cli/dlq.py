"""``newsfacts dlq``: list, show and re-drive dead letters."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis

from services.cli.output import emit_json, fail, table
from services.common import connection
from services.common.deadletter import list_dead, retry
from services.common.names import STAGES
from services.common.settings import Settings

T = TypeVar("T")


def _with_client(settings: Settings, work: Callable[[Redis], Awaitable[T]]) -> T:
    async def run() -> T:
        client = connection.client(connection.redis_url(settings))
        try:
            return await work(client)
        finally:
            await client.aclose()

    return asyncio.run(run())


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    letters = _with_client(settings, lambda c: list_dead(c, settings.names, args.stage))
    if args.json:
        emit_json([d.to_dict() for d in letters])
    elif not letters:
        print("no dead letters")
    else:
        rows = [[d.key, d.status, d.reason, str(d.attempts), d.subject or "-", d.error[:60]] for d in letters]
        print(table(rows, ["id", "status", "reason", "attempts", "article", "error"]))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    letters = _with_client(settings, lambda c: list_dead(c, settings.names))
    found = [d for d in letters if d.key == args.id]
    if not found:
        return fail(f"no dead letter {args.id!r} (ids look like STAGE/ENTRY-ID; see newsfacts dlq list)", 1)
    data = found[0].to_dict(with_event=True)
    if args.json:
        emit_json(data)
    else:
        print("\n".join(f"{k}: {v}" for k, v in data.items()))
    return 0


def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    if bool(args.id) == bool(args.all):
        return fail("dlq retry takes one dead-letter ID or --all")
    try:
        moved = _with_client(settings, lambda c: retry(c, settings.names, None if args.all else args.id))
    except KeyError:
        return fail(f"no dead letter {args.id!r}", 1)
    if args.json:
        emit_json({"retried": moved})
    else:
        print(f"re-drove {moved} entr{'y' if moved == 1 else 'ies'} into their stage's input stream")
    return 0


def register(sub: Any) -> None:
    dlq = sub.add_parser("dlq", help="dead letters: list, show, retry")
    verbs = dlq.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("list", help="every dead letter, oldest first")
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = verbs.add_parser("show", help="one dead letter with its original event")
    p.add_argument("id", metavar="ID", help="STAGE/ENTRY-ID as listed")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = verbs.add_parser("retry", help="re-drive a dead letter (and what is parked behind it), or --all")
    p.add_argument("id", nargs="?", metavar="ID")
    p.add_argument("--all", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_retry)
