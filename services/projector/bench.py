"""Projector throughput on a synthetic log: ``python -m services.projector.bench [ARTICLES] [BATCH]``."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from services.projector.store import ReadModelStore
from services.projector.synthetic import synthetic_log


def measure(articles: int = 2000, batch: int = 3000) -> float:
    """Events per second applying ``articles`` synthetic articles (six events each) in batches."""
    log = synthetic_log(articles)
    with tempfile.TemporaryDirectory() as folder, ReadModelStore.open(Path(folder) / "bench.db") as store:
        start = time.perf_counter()
        for at in range(0, len(log), batch):
            store.apply_batch(log[at : at + batch])
        return len(log) / (time.perf_counter() - start)


def main(argv: list[str]) -> None:
    """Print the measured rate."""
    articles, batch = (int(a) for a in (argv + ["2000", "3000"][len(argv) :])[:2])
    rate = measure(articles, batch)
    print(f"projector: {articles * 6} events, batch {batch}: {rate:,.0f} events/s")


if __name__ == "__main__":
    main(sys.argv[1:])
