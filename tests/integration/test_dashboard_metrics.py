"""The dashboard reads what the processes really expose: a real worker and projector, scraped directly and
by a real Prometheus that runs every panel's query."""

from __future__ import annotations

import asyncio
import json
import subprocess
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis
import yaml

from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.common.worker import worker_app
from services.ingest.stage import STAGE as INGEST
from services.projector.app import projector_app
from services.publish.publisher import publish
from services.publish.sources import Item
from services.telemetry import ProjectorMeter, StageMeter, serving
from tests.deployment import dashboard, metric_names, queries, tool
from tests.probing import free_port, get, sample_names, value
from tests.support import eventually, running

pytestmark = pytest.mark.redis


def story(n: int) -> Item:
    article = {"title": f"Quarry report {n}", "body": f"The quarry shipped {n} tonnes of granite."}
    return Item("test", article, orjson.dumps(article))


async def scrape(port: int) -> str:
    code, text = await asyncio.to_thread(get, port, "/metrics")
    assert code == 200
    return text


@asynccontextmanager
async def pipeline(settings: Settings, redis: aioredis.Redis) -> AsyncIterator[tuple[int, int]]:
    """ingest and the projector, each serving its metrics; yields their ports once 4 entries went through."""
    names = settings.names
    await ensure_topology(redis, names)
    stage, fold = StageMeter("ingest"), ProjectorMeter()
    worker_settings = settings.model_copy(update={"metrics_port": free_port()})
    projector_settings = settings.model_copy(update={"metrics_port": free_port()})
    app = projector_app(settings, meter=fold)
    async with (
        serving(worker_settings, stage.probes(names.input_stream("ingest"), names.group("ingest"))),
        serving(projector_settings, fold.probes(lambda: app)),
        running(worker_app(INGEST, settings, consumer="w", meter=stage), app),
    ):
        assert worker_settings.metrics_port and projector_settings.metrics_port
        ports = (worker_settings.metrics_port, projector_settings.metrics_port)
        await publish(redis, names, [story(n) for n in range(3)] + [Item("test", None, b"[]")])

        async def through() -> bool:
            worker, projector = [await scrape(p) for p in ports]
            new = value(worker, "newsfacts_stage_entries_total", status="new")
            return new == 4 and value(projector, "newsfacts_projector_entries_folded_total") >= 8

        await eventually(through, "4 entries committed and folded with their outputs")
        yield ports


async def test_every_metric_the_dashboard_reads_is_exposed_and_lints_clean(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """Each metric name in the dashboard's queries appears in a real scrape of a worker or the projector
    (`up` is Prometheus' own), and `promtool check metrics` finds nothing wrong in either scrape."""
    async with pipeline(settings, redis) as ports:
        scrapes = [await scrape(p) for p in ports]
    exposed = set().union(*(sample_names(s) for s in scrapes)) | {"up"}
    wanted = set().union(*(metric_names(q) for q in queries(dashboard())))
    assert wanted - exposed == set(), "the dashboard reads metrics nobody exposes"
    for text in scrapes:
        check = [tool("promtool"), "check", "metrics"]
        linted = await asyncio.to_thread(
            subprocess.run, check, input=text, capture_output=True, text=True, timeout=30
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr


async def _query(port: int, expr: str) -> dict[str, Any]:
    url = f"/api/v1/query?query={urllib.parse.quote(expr)}"
    code, body = await asyncio.to_thread(get, port, url)
    assert code == 200, f"{expr}: {body}"
    reply: dict[str, Any] = json.loads(body)
    return reply


@pytest.mark.slow
async def test_a_real_prometheus_scrapes_both_and_answers_every_panel(
    settings: Settings, redis: aioredis.Redis, tmp_path: Path
) -> None:
    """Prometheus (Debian's) scrapes the two ports each second; every panel's query then succeeds, and
    every metric the dashboard reads has a series."""
    binary = tool("prometheus")
    async with pipeline(settings, redis) as (worker, projector):
        web = free_port()
        config = {
            "global": {"scrape_interval": "1s"},
            "scrape_configs": [
                {
                    "job_name": "newsfacts",
                    "static_configs": [
                        {"targets": [f"127.0.0.1:{worker}"], "labels": {"role": "ingest"}},
                        {"targets": [f"127.0.0.1:{projector}"], "labels": {"role": "projector"}},
                    ],
                }
            ],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        command = [
            binary,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{web}",
        ]
        with (tmp_path / "prometheus.log").open("wb") as log:
            prometheus = await asyncio.to_thread(
                subprocess.Popen, command, stdout=log, stderr=subprocess.STDOUT
            )
        try:

            async def both_up() -> bool:
                code, body = await asyncio.to_thread(get, web, "/api/v1/query?query=sum(up)")
                result = json.loads(body)["data"]["result"] if code == 200 else []
                return bool(result) and float(result[0]["value"][1]) == 2

            await eventually(both_up, "Prometheus to scrape both processes", within=30)
            for expr in queries(dashboard()):
                assert (await _query(web, expr))["status"] == "success", expr
            for name in set().union(*(metric_names(q) for q in queries(dashboard()))):
                series = (await _query(web, f'count({{__name__="{name}"}})'))["data"]["result"]
                assert series, f"Prometheus has no series of {name}"
        finally:
            prometheus.terminate()
            await asyncio.to_thread(prometheus.wait, 30)
