"""Read-store figures on one synthetic log: ``python -m services.readstore.bench POSTGRES_URL [ARTICLES]``.

The same log (ARTICLES made-up articles, six events each, default 2,000) is folded into a temporary
SQLite file and into a schema of its own in the PostgreSQL database (dropped afterwards); then each
store answers the same searches, article views and entity pages, timed one by one. Prints the fold
rates and the p50/p99 latency of each query per store.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from psycopg import sql

from services.projector import queries
from services.projector.sqlconn import Connection
from services.projector.store import ReadModelStore
from services.projector.synthetic import synthetic_log
from services.readstore.postgres.connection import connect
from services.readstore.postgres.store import PostgresStore
from services.readstore.store_compare import SEARCHES

BATCH = 500


def _fold(store: ReadModelStore | PostgresStore, articles: int) -> float:
    log = synthetic_log(articles)
    start = time.perf_counter()
    for at in range(0, len(log), BATCH):
        store.apply_batch(log[at : at + BATCH])
    return len(log) / (time.perf_counter() - start)


def _latency(call: Callable[[], object], times: int) -> tuple[float, float]:
    """p50 and p99 of ``times`` calls, in milliseconds."""
    took = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        took.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(took, n=100)
    return cuts[49], cuts[98]


def _queries(conn: Connection, articles: int) -> dict[str, tuple[float, float]]:
    ids = [f"art-{n:06d}" for n in range(0, articles, max(1, articles // 100))]
    return {
        "search": _latency(lambda: [queries.search(conn, q) for q in SEARCHES[:3]], 100),
        "article": _latency(lambda: [queries.article(conn, a) for a in ids[:3]], 100),
        "entity": _latency(lambda: queries.entity(conn, "Xiaomi"), 100),
    }


def main(argv: list[str]) -> None:
    """Print fold rates and query latencies for SQLite and PostgreSQL."""
    url, articles = argv[0], int(argv[1]) if len(argv) > 1 else 2000
    schema = f"newsfacts_bench_{uuid.uuid4().hex[:8]}"
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            ReadModelStore.open(Path(folder) / "b.sqlite") as lite,
            PostgresStore.open(url, schema) as pg,
        ):
            for name, store in (("SQLite", lite), ("PostgreSQL", pg)):
                rate = _fold(store, articles)
                print(f"{name}: folded {articles * 6:,} events at {rate:,.0f} events/s (batch {BATCH})")
                for query, (p50, p99) in _queries(store.connection, articles).items():
                    print(f"  {query}: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        with connect(url, "pg_catalog") as raw:
            raw.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


if __name__ == "__main__":
    main(sys.argv[1:])
