"""``newsfacts article ID [--history]``: the article as it stands, what retracted it, and every fact about it.

The history comes from the read models' index; each event's data is fetched from the
log by entry id (one pipelined round trip) to say what that version said. Without a
server the index is still shown.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from redis.exceptions import RedisError

from services.archive import open_archive
from services.cli import render
from services.cli.output import emit_json, fail, say
from services.common import connection, server
from services.common.envelope import Envelope, read_data
from services.common.events.amendments import ArticleCorrectedV1, ArticleRetractedV1
from services.common.events.control import ArticleReprocessRequestedV1
from services.common.events.facts import (
    ArticleClassifiedV2,
    ArticleCleanedV1,
    ArticleEnrichedV2,
    ArticleIndexedV2,
)
from services.common.events.intake import ArticleDuplicateV1, ArticleIngestedV1, ArticleRejectedV1
from services.common.rejection import Rejection
from services.common.settings import Settings
from services.projector import audit, queries
from services.projector.sqlconn import Connection
from services.projector.views import ArticleView, HistoryItem, RetractionView
from services.replay.log import fetch

Key = tuple[str, str]


def cmd_article(args: argparse.Namespace, settings: Settings, conn: Connection) -> int:
    """The article, or its retraction; with ``--history``, every fact the log holds about it."""
    view = queries.article(conn, args.article_id)
    gone = audit.retraction(conn, args.article_id)
    items = audit.history(conn, args.article_id) if args.history else []
    if view is None and gone is None and not items:
        return fail(f"no article {args.article_id!r}", 1)
    events = fetch_events(settings, items) if items else {}
    if args.json:
        out: dict[str, Any] = view.to_dict() if view else {"article_id": args.article_id}
        out["retracted"] = gone.to_dict() if gone else None
        if args.history:
            out["history"] = [_item_json(i, events.get((i.stream, i.entry_id))) for i in items]
        emit_json(out)
        return 0
    say(_text(args.article_id, view, gone))
    if args.history:
        say(render_history(items, events))
    return 0


def _text(article_id: str, view: ArticleView | None, gone: RetractionView | None) -> str:
    if gone is not None:
        return (
            f"article {article_id} was retracted at {gone.time}: {gone.reason}\n  retraction {gone.event_id}"
        )
    if view is None:
        return f"article {article_id}: nothing in the read models but its history"
    return render.article(view)


def fetch_events(settings: Settings, items: list[HistoryItem]) -> dict[Key, Envelope]:
    """The events behind history items, from the log; empty (with a note on stderr) without a server.

    A query does not start the embedded server: with ``REDIS_URL`` unset it reads only a running one.
    """
    if settings.redis_url is not None:
        url = settings.redis_url.get_secret_value()
    elif (embedded := server.running(settings)) is not None:
        url = embedded.url
    else:
        print("newsfacts: event data not shown (the embedded server is not running)", file=sys.stderr)
        return {}

    async def run() -> dict[Key, Envelope]:
        client = connection.client(url)
        try:
            keys = [(i.stream, i.entry_id) for i in items]
            found = await fetch(client, settings.names, keys, open_archive(settings))
        finally:
            await client.aclose()
        return {key: entry.event for key, entry in found.items()}

    try:
        return asyncio.run(run())
    except (RedisError, OSError) as exc:
        print(f"newsfacts: event data not shown (cannot read the log: {exc})", file=sys.stderr)
        return {}


def render_history(items: list[HistoryItem], events: dict[Key, Envelope]) -> str:
    """One line per fact, oldest first; '*' marks the facts in force."""
    lines = [f"history: {len(items)} event(s), oldest first (* in force)"]
    for item in items:
        mark = "*" if item.current else " "
        head = f" {mark} {item.time}  {item.type:<28} {item.stageversion:<16} {item.stream}/{item.entry_id}"
        lines.append(head)
        lines.append(f"       event {item.event_id}")
        event = events.get((item.stream, item.entry_id))
        if event is not None:
            lines.append(f"       {summarise(event)}")
    return "\n".join(lines)


def _item_json(item: HistoryItem, event: Envelope | None) -> dict[str, Any]:
    return {**item.to_dict(), "data": event.data if event is not None else None}


def summarise(event: Envelope) -> str:
    """What one version of a fact said, in a line."""
    try:
        data = read_data(event)
    except Rejection as fault:
        return f"(unreadable: {fault.message})"
    if isinstance(data, ArticleIngestedV1):
        title = repr(data.title) if data.title else "none"
        return f"title {title}, content {data.content_hash[:12]}, {data.size_bytes} bytes"
    if isinstance(data, ArticleCleanedV1):
        a = data.article
        return f"language {a.language}, {a.word_count} words, title {a.title!r}"
    if isinstance(data, ArticleClassifiedV2):
        return "topics: " + (", ".join(f"{t.label} ({t.score:.2f})" for t in data.topics) or "none")
    if isinstance(data, ArticleEnrichedV2):
        names = ", ".join(e.name for e in data.entities[:8])
        more = f" (+{len(data.entities) - 8})" if len(data.entities) > 8 else ""
        return f"entities: {names or 'none'}{more}; tone {data.tone.score:+.2f}"
    if isinstance(data, ArticleIndexedV2):
        return "key phrases: " + "; ".join(data.document.key_phrases[:5])
    if isinstance(data, ArticleDuplicateV1):
        return f"exact copy of content {data.content_hash[:12]}"
    if isinstance(data, ArticleRejectedV1):
        return f"rejected at {data.stage}: {data.reason.value}: {data.message}"
    if isinstance(data, ArticleRetractedV1):
        return f"reason: {data.reason}"
    if isinstance(data, ArticleCorrectedV1):
        return f"note: {data.note or '-'}; new title {data.title!r}"
    if isinstance(data, ArticleReprocessRequestedV1):
        return f"{data.stage} to run again on entry {data.entry_id} ({data.reason or 'no reason given'})"
    return event.type
