"""Projector throughput on a synthetic log: ``python -m services.projector.bench [ARTICLES] [BATCH] [STORE]``.

STORE is a read-store URL (``NEWSFACTS_READ_STORE``'s form): unset, a temporary SQLite file; a
``postgresql://`` URL, a schema of its own in that database, dropped afterwards.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

from services.projector.store import ReadModelStore
from services.projector.synthetic import synthetic_log


def measure(articles: int = 2000, batch: int = 3000, store: str | None = None) -> float:
    """Events per second applying ``articles`` synthetic articles (six events each) in batches."""
    log = synthetic_log(articles)
    if store is not None and store.startswith(("postgresql://", "postgres://")):
        from psycopg import sql

        from services.readstore.postgres.connection import connect
        from services.readstore.postgres.store import PostgresStore

        schema = f"newsfacts_bench_{uuid.uuid4().hex[:8]}"
        try:
            with PostgresStore.open(store, schema) as postgres:
                start = time.perf_counter()
                for at in range(0, len(log), batch):
                    postgres.apply_batch(log[at : at + batch])
                return len(log) / (time.perf_counter() - start)
        finally:
            with connect(store, "pg_catalog") as raw:
                raw.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    with tempfile.TemporaryDirectory() as folder, ReadModelStore.open(Path(folder) / "bench.db") as sqlite:
        start = time.perf_counter()
        for at in range(0, len(log), batch):
            sqlite.apply_batch(log[at : at + batch])
        return len(log) / (time.perf_counter() - start)


def main(argv: list[str]) -> None:
    """Print the measured rate."""
    articles, batch = (int(a) for a in (argv[:2] + ["2000", "3000"][len(argv[:2]) :])[:2])
    store = argv[2] if len(argv) > 2 else None
    rate = measure(articles, batch, store)
    kind = "PostgreSQL" if store else "SQLite"
    print(f"projector: {articles * 6} events, batch {batch}, {kind}: {rate:,.0f} events/s")


if __name__ == "__main__":
    main(sys.argv[1:])
