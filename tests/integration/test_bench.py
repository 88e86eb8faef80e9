"""The benchmark end to end on a real server: a tiny run through worker processes, reported in full."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest
import redis.asyncio as aioredis

from services.bench import corpus
from services.bench.report import render
from services.bench.run import BenchOptions, run_bench
from services.bench.scaling import measure_scaling
from services.common.settings import Settings

pytestmark = pytest.mark.redis

ARTICLES = 20


async def _keys(settings: Settings, prefix: str) -> list[bytes]:
    assert settings.redis_url is not None
    client = aioredis.Redis.from_url(settings.redis_url.get_secret_value())
    try:
        return [k async for k in client.scan_iter(match=f"{prefix}*", count=1000)]
    finally:
        await client.aclose()


@pytest.mark.timeout(60)
def test_a_tiny_run_reports_every_figure_and_leaves_nothing_behind(settings: Settings) -> None:
    """Twenty articles go through real workers; the report has every section, and the keys are gone."""
    options = BenchOptions(articles=ARTICLES, timeout_s=40)

    report = run_bench(options, settings, say=lambda _: None)

    assert set(report) == {"config", "corpus", "ceiling", "pipeline", "comparison", "scaling", "targets"}
    pipe = report["pipeline"]
    assert pipe["articles"] == ARTICLES
    assert pipe["outcomes"] == {"indexed": ARTICLES}
    assert pipe["articles_per_s"] > 0
    for kind in ("visible", "in_log", "projector_lag"):
        assert pipe["latency_ms"][kind]["count"] == ARTICLES
    assert set(pipe["roles"]) == {"ingest", "clean", "classify", "enrich", "index", "projector"}
    for role in pipe["roles"].values():
        assert role["cpu_ms_per_article"] > 0
        assert role["batches"]["count"] >= 1
        assert all(mb > 0 for mb in role["peak_rss_mb"])
    assert pipe["replay"]["events"] >= 6 * ARTICLES
    assert pipe["replay"]["checksum_equal_to_live"] is True
    assert pipe["replay"]["ceiling_events_per_s"] > 0 and pipe["replay"]["ratio"] > 0
    cold = pipe["replay"]["archive"]
    assert cold["entries"] == pipe["replay"]["events"] == cold["rebuild_events"]
    assert cold["checksum_equal_to_live"] is True and cold["read_decode_events_per_s"] > 0
    assert 0 < cold["archive_bytes_per_article"] < cold["redis_bytes_per_article"]
    assert report["ceiling"]["articles"] == ARTICLES
    assert report["comparison"]["throughput_ratio"] > 0
    assert report["scaling"] is None
    assert len(report["targets"]) == 6
    assert render(report).startswith(f"newsfacts bench: {ARTICLES} articles")
    assert "rebuild from the archive alone" in render(report)
    orjson.dumps(report)  # the --json output
    assert asyncio.run(_keys(settings, report["config"]["prefix"])) == []


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_scaling_drains_a_stage_with_one_then_two_processes(settings: Settings, tmp_path: Path) -> None:
    """--scaling fills one stage's input directly and times one, then two, of its workers draining it
    (alternating rounds); the ratio is of the best rate of each."""
    payloads = [i.raw for i in corpus.generate(ARTICLES, seed=9)]

    result = asyncio.run(measure_scaling(settings, "classify", payloads, tmp_path, timeout_s=40, rounds=1))

    assert result["stage"] == "classify"
    assert result["inputs"] == ARTICLES
    assert [r["processes"] for r in result["runs"]] == [1, 2]
    assert all(r["articles_per_s"] > 0 for r in result["runs"])
    best = result["best_articles_per_s"]
    assert result["ratio"] == round(best[2] / best[1], 2)
    for processes in (1, 2):
        assert asyncio.run(_keys(settings, f"{settings.prefix}-s{processes}r0:")) == []
