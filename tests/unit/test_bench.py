"""The benchmark's pure parts: the article generator, percentiles, log parsing, targets and the report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from services.bench import corpus, procs, report
from services.bench.batches import batch_sizes, log_size
from services.bench.ceiling import stream_of
from services.bench.stats import percentile, summary
from services.ingest.logic import validate
from services.stages import run_inline


class TestGenerator:
    def test_sizes_stay_within_the_mix(self) -> None:
        """Every generated article's content is 0.5 to 20 KB, and every band of the mix is drawn."""
        items = corpus.generate(400, seed=3)
        sizes = [corpus.content_bytes(i) for i in items]
        assert min(sizes) >= corpus.MIN_BYTES
        assert max(sizes) <= corpus.MAX_BYTES
        for low, high, share in corpus.SIZE_MIX:
            in_band = sum(low <= s < high for s in sizes) / len(sizes)
            assert in_band == pytest.approx(share, abs=0.08), (low, high)

    def test_the_same_seed_gives_the_same_articles(self) -> None:
        """Runs are comparable: a seed fixes every article byte for byte; another seed changes them."""
        first = [i.raw for i in corpus.generate(30, seed=11)]
        assert first == [i.raw for i in corpus.generate(30, seed=11)]
        assert first != [i.raw for i in corpus.generate(30, seed=12)]

    def test_articles_are_valid_and_distinct(self) -> None:
        """Every article passes ingest's validation, and no two share a URL (none is a duplicate)."""
        items = corpus.generate(200, seed=5)
        for item in items:
            assert item.article is not None
            validate(item.article)
        assert len({i.article["url"] for i in items if i.article}) == len(items)

    def test_some_articles_are_html(self) -> None:
        """About a quarter are HTML pages, so clean's extractor is part of the work."""
        items = corpus.generate(400, seed=5)
        share = sum("html" in (i.article or {}) for i in items) / len(items)
        assert 0.15 < share < 0.35

    def test_stages_find_facts_in_generated_text(self) -> None:
        """The text gives enrich real work: entities, money, percentages and dates are found."""
        item = corpus.generate(1, seed=2)[0]
        run = run_inline(item.raw)
        assert run.rejected is None
        enriched = next(e for e in run.events if e.type == "article.enriched").data
        assert enriched["entities"] and enriched["money"] and enriched["percentages"] and enriched["dates"]

    def test_a_user_file_is_read_up_to_the_count(self, tmp_path: Path) -> None:
        """--input takes any JSONL; --articles caps how much of it is used."""
        path = tmp_path / "in.jsonl"
        path.write_text("\n".join(orjson.dumps({"title": f"t{n}", "body": "b"}).decode() for n in range(5)))
        assert [i.article["title"] for i in corpus.read_jsonl(str(path), 3) if i.article] == [
            "t0",
            "t1",
            "t2",
        ]


class TestStats:
    def test_percentile_interpolates_between_ranks(self) -> None:
        """Percentiles follow numpy's default (linear) definition."""
        values = [4.0, 1.0, 3.0, 2.0]
        assert percentile(values, 50) == 2.5
        assert percentile(values, 0) == 1.0
        assert percentile(values, 100) == 4.0
        assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
        assert percentile([7.0], 95) == 7.0

    def test_percentile_refuses_nonsense(self) -> None:
        """No values, or a percentile outside 0..100, is an error rather than a made-up number."""
        with pytest.raises(ValueError):
            percentile([], 50)
        with pytest.raises(ValueError):
            percentile([1.0], 101)

    def test_summary_of_nothing_is_empty(self) -> None:
        """A summary of no values says so instead of failing."""
        assert summary([])["p99"] is None
        assert summary([1.0, 2.0, 3.0]) == {
            "count": 3,
            "mean": 2.0,
            "p50": 2.0,
            "p95": 2.9,
            "p99": 3.0,
            "max": 3.0,
        }


class TestMeasuring:
    def test_batch_sizes_are_read_after_an_offset(self, tmp_path: Path) -> None:
        """Only batches logged after the measurement began count; other lines and a torn line are ignored."""
        log = tmp_path / "w.log"
        log.write_text('{"event": "batch committed", "size": 100}\n')
        offset = log_size(log)
        with log.open("a") as out:
            out.write('{"event": "worker starting"}\nnot json\n{"event": "batch projected", "size": 7}\n')
            out.write('{"event": "batch committed", "size": 3}\n{"event": "batch comm')
        assert batch_sizes(log, offset) == [7, 3]
        assert batch_sizes(tmp_path / "missing.log") == []

    def test_inline_events_go_to_the_streams_workers_use(self) -> None:
        """The ceiling feeds the projector the same streams the workers would have appended to."""
        run = run_inline(corpus.generate(1, seed=4)[0].raw)
        assert [stream_of(e) for e in run.events] == [
            "submitted", "ingested", "cleaned", "classified", "enriched", "indexed",
        ]  # fmt: skip

    @pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")
    def test_process_readings(self) -> None:
        """CPU seconds and peak RSS of a live process are read from /proc; a gone one gives None."""
        assert (procs.cpu_seconds(os.getpid()) or 0) > 0
        assert (procs.peak_rss_mb(os.getpid()) or 0) > 10
        assert procs.cpu_seconds(2**22 + 1) is None


def _report(*, rate: float | None = None, scaling: dict[str, Any] | None = None) -> dict[str, Any]:
    """A report as ``run_bench`` makes it, with round figures."""
    lat = {"count": 10, "mean": 50.0, "p50": 40.0, "p95": 120.0, "p99": 180.0, "max": 200.0}
    role = {
        "processes": 1, "cpu_s": 10.0, "cpu_ms_per_article": 5.0, "articles_per_cpu_s": 200.0,
        "batches": {"count": 20, "mean": 50.0, "p50": 48.0, "p95": 100.0, "p99": 100.0, "max": 100},
        "peak_rss_mb": [120.0], "observed": {"outputs": 1000, "span_s": 20.0, "rate": 50.0},
    }  # fmt: skip
    out: dict[str, Any] = {
        "config": {
            "rate": rate, "cores": 2, "server": "embedded", "load_average_1m": {"before": 0.1, "after": 1.9},
        },
        "corpus": {"source": "generated, seed 1", "kb": {"mean": 5.3, "min": 0.5, "max": 20.0}},
        "ceiling": {"articles_per_s_one_core": 40.0, "cpu_ms_per_article": 25.0},
        "comparison": {
            "cores": 2, "cores_available": 2.0, "ceiling_at_equal_cores": 80.0, "throughput_ratio": 0.6,
            "throughput_ratio_all_cores": 0.6, "cpu_efficiency": 0.9,
        },
        "pipeline": {
            "articles": 1000, "seconds": 20.0, "articles_per_s": 48.0, "outcomes": {"indexed": 1000},
            "latency_ms": {"visible": lat, "in_log": lat, "projector_lag": lat, "poll_ms": 10.0},
            "cpu": {
                "pipeline_cpu_ms_per_article": 28.0, "workers_cpu_ms_per_article": 26.0,
                "server_cpu_ms_per_article": 2.0, "driver_cpu_ms_per_article": 1.0, "cores_busy": 1.9,
                "other_processes_cores": 0.0,
            },
            "roles": {"enrich": role, "projector": {**role, "peak_rss_mb": [230.0], "observed": None}},
            "replay": {
                "events": 6000, "seconds": 0.1, "events_per_s": 60000, "ceiling_events_per_s": 200000,
                "ratio": 0.3, "checksum_equal_to_live": True,
            },
        },
        "scaling": scaling,
    }  # fmt: skip
    out["targets"] = report.targets(out)
    return out


class TestReport:
    def test_targets_at_max_throughput(self) -> None:
        """At max throughput the ceiling ratio is judged and latency is left to a paced run."""
        judged = {t["name"]: t["passed"] for t in _report()["targets"]}
        assert judged == {
            "pipeline / ceiling at equal cores": False,
            "p99 publish -> visible (ms)": None,
            "replay rebuild (events/s)": True,
            "replay rebuild / raw ceiling": False,
            "peak RSS of any worker (MB)": False,
            "scaling 1 -> 2 processes": None,
        }

    def test_targets_when_paced_and_scaled(self) -> None:
        """A paced run judges latency, not throughput; a scaling run judges the ratio."""
        scaling = {"stage": "enrich", "inputs": 600, "runs": [], "ratio": 1.8}
        judged = {t["name"]: t["passed"] for t in _report(rate=20.0, scaling=scaling)["targets"]}
        assert judged["pipeline / ceiling at equal cores"] is None
        assert judged["p99 publish -> visible (ms)"] is True
        assert judged["scaling enrich 1 -> 2 processes"] is True

    def test_render_shows_the_tables(self) -> None:
        """The text report has a row per role and per target, with pass, FAIL and n/a spelt out."""
        scaling = {
            "stage": "enrich", "inputs": 600, "ratio": 1.5,
            "runs": [
                {"processes": 1, "articles_per_s": 100.0, "other_processes_cores": 0.0},
                {"processes": 2, "articles_per_s": 150.0, "other_processes_cores": 0.1},
            ],
        }  # fmt: skip
        text = report.render(_report(scaling=scaling))
        lines = text.splitlines()
        assert lines[0].startswith("newsfacts bench: 1,000 articles")
        assert any(line.split()[:3] == ["enrich", "1", "5.00"] for line in lines)
        assert any(line.startswith("replay rebuild (events/s)") and "pass" in line for line in lines)
        assert any(line.startswith("replay rebuild / raw ceiling") and "FAIL" in line for line in lines)
        assert any(
            "raw ceiling (XRANGE + decode, one process) 200,000 events/s; ratio 0.30" in x for x in lines
        )
        assert any(line.startswith("peak RSS of any worker") and "FAIL" in line for line in lines)
        assert any(line.startswith("p99 publish -> visible") and "n/a" in line for line in lines)
        assert (
            "1p 100.0/s (others 0.00 cores), 2p 150.0/s (others 0.10 cores); best 2p / best 1p: x1.50" in text
        )
