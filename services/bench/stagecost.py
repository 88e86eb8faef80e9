"""Milliseconds per article of each stage's process function, on the seed article and a 10 KB one.

``python -m services.bench.stagecost [REPEATS]`` — in-process, no Redis; the median of REPEATS runs
after three warm-up runs. Each figure includes reading the input event and building the output one.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import orjson

from services.common.names import Names
from services.common.stage import StageContext
from services.publish.sources import read_paths
from services.stages import STAGES

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_xiaomi_ev_mass_production.txt"


def stage_costs(article: dict[str, object], repeats: int = 30) -> dict[str, float]:
    """Median ms per stage for one article run through every stage ``repeats`` times."""
    raw, names = orjson.dumps(article), Names("cost")
    samples: dict[str, list[float]] = {name: [] for name in STAGES}
    for _ in range(3 + repeats):
        event = None
        for stage in STAGES.values():
            ctx = StageContext(names, stage.name, stage.version)
            start = time.perf_counter()
            event = stage.read(raw, "0-1", ctx) if event is None else event
            event = stage.process(event, ctx).events[0]
            samples[stage.name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values[3:]) for name, values in samples.items()}


def ten_kb(seed: dict[str, object]) -> dict[str, object]:
    """A 10 KB article made of the seed's paragraphs, repeated."""
    body = str(seed.get("body", ""))
    return {"title": "Xiaomi steps up its electric car plans", "body": ("\n\n".join([body] * 5))[:10240]}


def main(argv: list[str]) -> None:
    repeats = int(argv[0]) if argv else 30
    seed = next(iter(read_paths([str(SEED)]))).article or {}
    for label, article in (("seed", seed), ("10 KB", ten_kb(seed))):
        costs = stage_costs(article, repeats)
        cells = "  ".join(f"{name} {ms:.2f}" for name, ms in costs.items())
        print(f"{label:>6} ({len(orjson.dumps(article)):,} B): {cells}  total {sum(costs.values()):.2f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
