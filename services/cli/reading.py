"""Commands that read what the pipeline learned: search, article, entity, topics, analyze."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from services.cli import history, render
from services.cli.output import emit_json, fail, say
from services.cli.storeaccess import NoReadModels, StoreUnusable, open_store
from services.common.settings import Settings
from services.projector import queries
from services.projector.logbinding import EXIT_STORE
from services.projector.sqlconn import Connection
from services.projector.views import View
from services.publish.sources import SourceError, read_paths

V = TypeVar("V", bound=View)


@contextmanager
def store_connection(settings: Settings, override: str | None = None) -> Iterator[Connection]:
    """A read-only connection to the live read models, or to ``override`` (see ``storeaccess``)."""
    with open_store(settings, override) as conn:
        yield conn


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    with store_connection(settings, args.store) as conn:
        hits = queries.search(conn, args.query, limit=args.limit)
    if args.json:
        emit_json([h.to_dict() for h in hits])
    else:
        say(render.hits(hits) if hits else f"no article matches {args.query!r}")
    return 0


def cmd_article(args: argparse.Namespace, settings: Settings) -> int:
    with store_connection(settings, args.store) as conn:
        return history.cmd_article(args, settings, conn)


def show(args: argparse.Namespace, found: V | None, as_text: Callable[[V], str], missing: str) -> int:
    """Print one view (JSON with ``--json``), or say what was not found (exit 1)."""
    if found is None:
        return fail(missing, 1)
    if args.json:
        emit_json(found.to_dict())
    else:
        say(as_text(found))
    return 0


def cmd_entity(args: argparse.Namespace, settings: Settings) -> int:
    with store_connection(settings, args.store) as conn:
        page = queries.entity(conn, args.name, limit=args.limit)
    return show(args, page, render.entity, f"no entity named {args.name!r}")


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    with store_connection(settings, args.store) as conn:
        if args.topic:
            articles = queries.topic_articles(conn, args.topic, limit=args.limit)
            if not articles:
                hint = "newsfacts topics lists those in use"
                return fail(f"no articles under topic {args.topic!r} ({hint})", 1)
            if args.json:
                emit_json([a.to_dict() for a in articles])
            else:
                say(render.topic_articles(args.topic, articles))
            return 0
        counts = queries.topics(conn)
    if args.json:
        emit_json([c.to_dict() for c in counts])
    else:
        say(render.topics(counts))
    return 0


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from services.stages import run_inline  # the stages' libraries load only when needed

    try:
        items = list(read_paths([args.file]))
    except (SourceError, OSError) as exc:
        return fail(str(exc))
    results: list[dict[str, Any]] = []
    for item in items:
        run = run_inline(item.raw, max_article_bytes=settings.max_article_bytes)
        results.append({"origin": item.origin, "events": [e.model_dump(mode="json") for e in run.events]})
        if not args.json:
            say(render.analysis(item.origin, run))
    if args.json:
        emit_json(results if len(results) != 1 else results[0])
    return 0


def guard(handler: Any) -> Any:
    """The handler, with missing read models reported as exit 1 and a hint."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return int(handler(args, settings))
        except NoReadModels as exc:
            return fail(str(exc), 1)
        except StoreUnusable as exc:
            return fail(str(exc), EXIT_STORE)

    return run


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="ranked full-text search")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", metavar="FILE", help="read this store (e.g. from replay rebuild --until)")
    p.set_defaults(handler=guard(cmd_search))

    p = sub.add_parser("article", help="all that is known about one article (or what retracted it)")
    p.add_argument("article_id", metavar="ID")
    p.add_argument("--history", action="store_true", help="also every fact about it, older versions included")
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", metavar="FILE", help="read this store (e.g. from replay rebuild --until)")
    p.set_defaults(handler=guard(cmd_article))

    p = sub.add_parser("entity", help="an entity page: who/what it is and the articles mentioning it")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", metavar="FILE", help="read this store (e.g. from replay rebuild --until)")
    p.set_defaults(handler=guard(cmd_entity))

    p = sub.add_parser("topics", help="topics and their article counts, or the articles of one TOPIC")
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="IPTC code or label")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", metavar="FILE", help="read this store (e.g. from replay rebuild --until)")
    p.set_defaults(handler=guard(cmd_topics))

    p = sub.add_parser("analyze", help="run every stage on FILE in-process (no Redis) and print the facts")
    p.add_argument("file", metavar="FILE", help="a .json/.jsonl/.html/.txt file, or - for stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_analyze)
