"""``newsfacts eval``: score the stage functions against labelled articles (see eval/README.md)."""

from __future__ import annotations

import argparse
from typing import Any

from services.common.settings import Settings


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from services.evaluation.command import main as evaluation_main

    argv = [a for path in args.gold or [] for a in ("--gold", path)]
    argv += ["--json"] * args.json + ["--details"] * args.details
    return evaluation_main(argv)


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure extraction quality against a labelled set (no Redis)")
    p.add_argument(
        "--gold",
        action="append",
        metavar="FILE",
        help="gold JSONL (repeatable; default: the five shipped sets, eval/gold/*)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--details", action="store_true", help="commonest errors and per-article misses")
    p.set_defaults(handler=cmd_eval)
