"""``newsfacts story ID``: the articles that tell the same story as this one (near-duplicate texts)."""

from __future__ import annotations

import argparse
from typing import Any

from services.cli import render
from services.cli.reading import guard, show, store_connection
from services.common.settings import Settings
from services.projector import queries


def cmd_story(args: argparse.Namespace, settings: Settings) -> int:
    with store_connection(settings, args.store) as conn:
        cluster = queries.story(conn, args.article_id)
    return show(args, cluster, render.story, f"no article {args.article_id!r}")


def register(sub: Any) -> None:
    p = sub.add_parser("story", help="the story cluster of an article: rewrites of the same text")
    p.add_argument("article_id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", metavar="FILE", help="read this store (e.g. from replay rebuild --until)")
    p.set_defaults(handler=guard(cmd_story))
