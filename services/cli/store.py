"""``newsfacts store compare FILE``: does the live read store say what the SQLite file FILE says?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services import readstore
from services.cli.output import emit_json, fail
from services.cli.reading import guard
from services.common.settings import Settings
from services.readstore.store_compare import OVERLAP, SEARCHES, compare


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    if not Path(args.file).is_file():
        return fail(f"no SQLite read store at {args.file}", 2)
    with readstore.reader(settings) as live, readstore.reader(settings, args.file) as reference:
        found = compare(live, reference)
    if args.json:
        emit_json(
            {"store": readstore.describe(settings), "reference": args.file, "equal": found.equal,
             "views_checked": found.checked, "differences": found.differences,
             "search_overlap": round(found.overlap, 4), "searches": len(SEARCHES)}
        )  # fmt: skip
    else:
        print(f"{readstore.describe(settings)} against {args.file}: {found.checked:,} views checked")
        for difference in found.differences[:50]:
            print(f"  differs: {difference}")
        print(f"search: top-10 overlap {found.overlap:.3f} over {len(SEARCHES)} searches (needs {OVERLAP})")
        print("the stores agree" if found.equal else "the stores differ")
    return 0 if found.equal else 1


def register(sub: Any) -> None:
    store = sub.add_parser("store", help="the read store: compare it with a SQLite one")
    verbs = store.add_subparsers(dest="verb", required=True, metavar="VERB")
    p = verbs.add_parser(
        "compare", help="views, counters and search of the live store against a SQLite file (exit 1 if not)"
    )
    p.add_argument("file", metavar="FILE", help="a SQLite read store, e.g. from replay rebuild --output FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=guard(cmd_compare))
