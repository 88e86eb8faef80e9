"""``newsfacts retract ID --reason TEXT`` and ``newsfacts correct ID FILE``: amend an article already in.

Both publish a request to the submitted stream; ingest validates it and the pipeline
does the rest (a retraction removes the article from every read model, a correction
runs every stage again on the new text). When the read models are at hand, the
command first checks the article is known and not already retracted (``--force``
skips that check).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from typing import Any

from services import readstore
from services.cli.output import emit_json, fail
from services.common import connection, identity
from services.common.envelope import Envelope
from services.common.rejection import Rejection
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.projector import audit, queries
from services.publish.amendments import CONTENT_FIELDS, correction, retraction, send
from services.publish.sources import SourceError, check_paths, read_paths

#: Kept from the current version when a correction file leaves them out.
KEPT = ("url", "source", "published_at")


def cmd_retract(args: argparse.Namespace, settings: Settings) -> int:
    problem = None if args.force else _unfit(settings, args.article_id)
    if problem:
        return fail(problem, 1)
    try:
        event = retraction(args.article_id, args.reason)
    except Rejection as fault:
        return fail(f"cannot retract: {fault.message}")
    return _publish(settings, event, args.json, "retraction")


def cmd_correct(args: argparse.Namespace, settings: Settings) -> int:
    try:
        check_paths([args.file])
        items = list(read_paths([args.file]))
    except (SourceError, OSError) as exc:
        return fail(str(exc))
    if len(items) != 1 or items[0].article is None:
        return fail(f"{args.file}: a correction is one article (a JSON object, .txt or .html file)")
    problem = None if args.force else _unfit(settings, args.article_id)
    if problem:
        return fail(problem, 1)
    content = {**_current(settings, args.article_id), **items[0].article}
    unknown = sorted(set(items[0].article) - set(CONTENT_FIELDS) - {"note"})
    if unknown:
        return fail(
            f"{args.file}: unknown field(s) {', '.join(unknown)}; a correction takes {CONTENT_FIELDS}"
        )
    note = args.note if args.note is not None else str(content.get("note") or "")
    try:
        event = correction(args.article_id, content, note)
    except Rejection as fault:
        return fail(f"cannot correct: {fault.message}")
    return _publish(settings, event, args.json, "correction")


def _publish(settings: Settings, event: Envelope, as_json: bool, what: str) -> int:
    async def run() -> str:
        client = connection.client(connection.redis_url(settings))
        try:
            await identity.bind(client, settings)
            await ensure_topology(client, settings.names)
            return await send(client, settings.names, event)
        finally:
            await client.aclose()

    entry_id = asyncio.run(run())
    if as_json:
        emit_json(
            {"type": event.type, "article_id": event.subject, "event_id": event.id,
             "correlation_id": event.correlationid, "entry_id": entry_id}
        )  # fmt: skip
    else:
        stream = settings.names.input_stream("ingest")
        print(f"published the {what} of article {event.subject} to {stream} (event {event.id})")
    return 0


def _unfit(settings: Settings, article_id: str) -> str | None:
    """Why the article cannot be amended, as far as the read models tell; None when they cannot tell."""
    with readstore.reader_if_any(settings) as conn:
        if conn is None:
            return None
        try:
            gone = audit.retraction(conn, article_id)
            known = queries.article(conn, article_id) is not None or bool(audit.history(conn, article_id))
        except sqlite3.OperationalError:  # no projector has run on this file yet
            return None
    if gone is not None:
        return f"article {article_id} was retracted at {gone.time} ({gone.reason}); it cannot be amended"
    if not known:
        return f"no article {article_id!r} in the read models (--force sends it anyway)"
    return None


def _current(settings: Settings, article_id: str) -> dict[str, Any]:
    """What the correction keeps from the current version unless the file says otherwise."""
    with readstore.reader_if_any(settings) as conn:
        if conn is None:
            return {}
        try:
            view = queries.article(conn, article_id)
        except sqlite3.OperationalError:
            return {}
    if view is None:
        return {}
    return {k: v for k in KEPT if (v := getattr(view, k)) is not None}


def register(sub: Any) -> None:
    p = sub.add_parser("retract", help="withdraw an article: it leaves every read model, the log keeps it")
    p.add_argument("article_id", metavar="ID")
    p.add_argument("--reason", required=True, help="why, for readers and the record")
    p.add_argument("--force", action="store_true", help="send it even if the read models do not know ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_retract)

    p = sub.add_parser("correct", help="publish a corrected version of an article; every stage runs again")
    p.add_argument("article_id", metavar="ID")
    p.add_argument(
        "file", metavar="FILE", help="the whole new version: .json object, .txt or .html; - for stdin"
    )
    p.add_argument("--note", help="what was corrected, for the record (or a 'note' field in FILE)")
    p.add_argument("--force", action="store_true", help="send it even if the read models do not know ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_correct)
