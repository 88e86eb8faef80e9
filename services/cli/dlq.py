"""``newsfacts dlq``: list, show, re-drive and discard dead letters."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis

from services.cli.output import emit_json, fail, table
from services.common import connection, identity
from services.common.deadletter import list_dead, retry
from services.common.discard import discard, operator
from services.common.names import STAGES
from services.common.settings import Settings
from services.publish.publisher import producer_version

T = TypeVar("T")


def _with_client(settings: Settings, work: Callable[[Redis], Awaitable[T]]) -> T:
    async def run() -> T:
        client = connection.client(connection.redis_url(settings))
        try:
            return await work(client)
        finally:
            await client.aclose()

    return asyncio.run(run())


async def _retry(client: Redis, settings: Settings, key: str | None) -> int:
    await identity.bind(client, settings)
    return await retry(client, settings.names, key)


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
        moved = _with_client(settings, lambda c: _retry(c, settings, None if args.all else args.id))
    except KeyError:
        return fail(f"no dead letter {args.id!r}", 1)
    if args.json:
        emit_json({"retried": moved})
    else:
        print(f"re-drove {moved} entr{'y' if moved == 1 else 'ies'} into their stage's input stream")
    return 0


def cmd_discard(args: argparse.Namespace, settings: Settings) -> int:
    reason = args.reason.strip()
    if not reason:
        return fail("dlq discard needs --reason TEXT: why it is set aside, for the record")

    async def work(client: Redis) -> Any:
        await identity.bind(client, settings)
        return await discard(
            client, settings.names, args.id, reason, by=operator(), version=producer_version()
        )

    try:
        done = _with_client(settings, work)
    except KeyError:
        return fail(f"no dead letter {args.id!r} (ids look like STAGE/ENTRY-ID; see newsfacts dlq list)", 1)
    if args.json:
        emit_json({"discarded": args.id, "event_id": done.event.id, "released": done.released})
    else:
        article = f" of article {done.event.subject}" if done.event.subject else ""
        print(
            f"discarded {args.id}{article} (event {done.event.id}); re-drove {done.released} "
            f"entr{'y' if done.released == 1 else 'ies'} parked behind it"
        )
    return 0


def register(sub: Any) -> None:
    dlq = sub.add_parser("dlq", help="dead letters: list, show, retry, discard")
    verbs = dlq.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("list", help="every dead letter, oldest first")
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = verbs.add_parser("show", help="one dead letter with its original event")
    p.add_argument("id", metavar="ID", help="STAGE/ENTRY-ID as listed")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = verbs.add_parser(
        "discard", help="set a dead letter aside for good (recorded in the log) and release its article"
    )
    p.add_argument("id", metavar="ID", help="STAGE/ENTRY-ID as listed")
    p.add_argument("--reason", required=True, help="why it is discarded (kept in the log)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_discard)

    p = verbs.add_parser("retry", help="re-drive a dead letter (and what is parked behind it), or --all")
    p.add_argument("id", nargs="?", metavar="ID")
    p.add_argument("--all", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_retry)
