"""``newsfacts lineage ID``: the chain of events behind an article, as a tree of causes.

submission -> ingested -> cleaned -> classified -> enriched -> indexed, with event ids,
stage versions and causation links; a correction or a reprocess adds a branch, so an
article with several versions shows all of them, '*' marking the facts in force.
"""

from __future__ import annotations

import argparse
from typing import Any

from services.cli.reading import guard, show, store_connection
from services.common.settings import Settings
from services.projector import audit
from services.projector.views import LineageNode, LineageTree


def cmd_lineage(args: argparse.Namespace, settings: Settings) -> int:
    with store_connection(settings, args.store) as conn:
        tree = audit.lineage(conn, args.article_id)
    return show(args, tree, render_tree, f"no article {args.article_id!r}")


def render_tree(tree: LineageTree) -> str:
    """The tree as indented text, one event per line and its details under it."""
    title = f" {tree.title!r}" if tree.title else ""
    lines = [f"lineage of article {tree.article_id}{title}  (* in force)"]
    if tree.retracted is not None:
        gone = tree.retracted
        lines.append(f"RETRACTED at {gone.time}: {gone.reason} (event {gone.event_id})")
    for root in tree.roots:
        lines += _node(root, "", "")
    return "\n".join(lines)


def _node(node: LineageNode, first: str, rest: str) -> list[str]:
    mark = " *" if node.current else ""
    version = f"  {node.stageversion}" if node.stageversion else ""
    where = f"  {node.stream}/{node.entry_id}" if node.entry_id else ""
    when = f"  {node.time}" if node.time else ""
    lines = [f"{first}{_label(node)}{version}{mark}", f"{rest}    event {node.event_id}{where}{when}"]
    if node.note:
        lines.append(f"{rest}    {_quote(node)}")
    for n, child in enumerate(node.children):
        last = n == len(node.children) - 1
        lines += _node(child, rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  "))
    return lines


def _label(node: LineageNode) -> str:
    if node.type == "article.retracted" and node.stream == "submitted":
        return "retraction requested"
    short = node.type.removeprefix("article.")
    labels = {
        "reprocess_requested": "reprocess requested",
        "submitted": "submission",
        "corrected": "correction",
        "discarded": "dead letter discarded",
    }
    return labels.get(short, short)


def _quote(node: LineageNode) -> str:
    kind = {
        "article.submitted": "title",
        "article.corrected": "note",
        "article.reprocess_requested": "asked",
    }.get(node.type, "note")
    return f"{kind}: {node.note}"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "lineage", help="the events behind an article as a tree: versions, reprocesses, corrections"
    )
    p.add_argument("article_id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--store", metavar="FILE", help="read this store (e.g. from replay rebuild --until)")
    p.set_defaults(handler=guard(cmd_lineage))
