"""Metrics and probes of a stage worker and the projector, served on a real port, on a real server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import pytest
import redis.asyncio as aioredis

from services.clean.stage import STAGE as CLEAN
from services.common.settings import Settings
from services.common.stage import Stage
from services.common.topology import ensure_topology
from services.common.worker import worker_app
from services.ingest.stage import STAGE as INGEST
from services.projector.app import projector_app
from services.publish.publisher import publish
from services.publish.sources import Item
from services.telemetry import PortInUse, ProjectorMeter, StageMeter, serving
from tests.probing import free_port, get, samples, taken_port, value
from tests.support import eventually, running

pytestmark = pytest.mark.redis


def story(n: int) -> Item:
    article = {"title": f"Port report {n}", "body": f"The harbour handled {n} ships on Monday."}
    return Item("test", article, orjson.dumps(article))


def with_port(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_port": free_port()})


async def fetch(port: int, path: str) -> tuple[int, str]:
    return await asyncio.to_thread(get, port, path)


@asynccontextmanager
async def served(settings: Settings, stage: Stage, redis: aioredis.Redis) -> AsyncIterator[int]:
    """One worker of ``stage`` running, its metrics and probes served; yields the port once it is ready
    (not before its subscribers run)."""
    settings = with_port(settings)
    names = settings.names
    assert settings.metrics_port is not None
    await ensure_topology(redis, names)
    meter = StageMeter(stage.name)
    probes = meter.probes(names.input_stream(stage.name), names.group(stage.name))
    port = settings.metrics_port
    async with serving(settings, probes):
        assert await fetch(port, "/readyz") == (503, "not ready: worker not started\n")
        async with running(worker_app(stage, settings, consumer="w", meter=meter)):

            async def started() -> bool:
                return await fetch(port, "/readyz") == (200, "ready\n")

            await eventually(started, "the worker's subscribers to start")
            yield port


async def test_a_worker_counts_what_it_processes_and_is_ready_while_its_group_exists(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """Entries committed, batch sizes, rejections and FastStream's handler histogram appear per stage;
    /readyz is 200 while the group exists, 503 naming it while it is gone, 200 once it is back."""
    names = settings.names
    async with served(settings, INGEST, redis) as port:
        assert await fetch(port, "/healthz") == (200, "ok\n")
        bad = Item("test", None, b"{not json")
        await publish(redis, names, [story(n) for n in range(5)] + [bad])

        async def counted() -> bool:
            _, text = await fetch(port, "/metrics")
            return value(text, "newsfacts_stage_entries_total", stage="ingest", status="new") == 6

        await eventually(counted, "six entries committed as new")
        code, text = await fetch(port, "/metrics")
        assert code == 200
        assert value(text, "newsfacts_stage_rejected_total", stage="ingest") == 1
        assert value(text, "newsfacts_stage_batch_entries_sum", stage="ingest") == 6
        assert value(text, "faststream_received_messages_total", stage="ingest") == 6
        assert (
            value(text, "faststream_received_processed_messages_duration_seconds_count", stage="ingest") >= 1
        )
        assert value(text, "newsfacts_stage_dead_lettered_total", stage="ingest") == 0
        assert ("newsfacts_event_loop_lag_seconds", ()) in samples(text)
        assert "redis://" not in text and "password" not in text

        await redis.xgroup_destroy(names.input_stream("ingest"), names.group("ingest"))
        code, body = await fetch(port, "/readyz")
        assert (code, body) == (
            503,
            f"not ready: consumer group ingest of {names.input_stream('ingest')} does not exist\n",
        )
        await ensure_topology(redis, names)
        assert await fetch(port, "/readyz") == (200, "ready\n")
    assert (await fetch(port, "/healthz"))[0] == 0, "the port is still served after the block"


async def test_a_stage_failure_and_its_dead_letter_are_counted_by_reason(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """An event clean cannot read on its internal stream is a failure (reason code) dead-lettered at once."""
    async with served(settings, CLEAN, redis) as port:
        await redis.xadd(settings.names.input_stream("clean"), {"event": b"{garbled"})

        async def buried() -> bool:
            _, text = await fetch(port, "/metrics")
            return value(text, "newsfacts_stage_dead_lettered_total", stage="clean") == 1

        await eventually(buried, "one entry dead-lettered")
        _, text = await fetch(port, "/metrics")
        assert value(text, "newsfacts_stage_failures_total", stage="clean", reason="malformed_json") == 1


async def test_the_projector_reports_folded_entries_its_lag_and_an_open_store(
    settings: Settings, redis: aioredis.Redis
) -> None:
    """Before the projector folds anything the submitted stream lags; after, lag 0 and the entries counted.
    /readyz is 200 while its store is open and 503 once the projector has stopped."""
    settings = with_port(settings)
    port, names = settings.metrics_port, settings.names
    assert port is not None
    await ensure_topology(redis, names)
    await publish(redis, names, [story(n) for n in range(3)])
    meter = ProjectorMeter()
    app = projector_app(settings, meter=meter)
    key = names.stream("submitted")
    async with serving(settings, meter.probes(lambda: app)):
        _, text = await fetch(port, "/metrics")
        assert value(text, "newsfacts_projector_streams_behind") == 0, "no position known before it runs"
        async with running(app):

            async def folded() -> bool:
                _, text = await fetch(port, "/metrics")
                return value(text, "newsfacts_projector_entries_folded_total") == 3

            await eventually(folded, "three entries folded")
            assert await fetch(port, "/readyz") == (200, "ready\n")
            _, text = await fetch(port, "/metrics")
            assert value(text, "newsfacts_projector_lag_seconds", stream=key) == 0
            assert value(text, "newsfacts_projector_streams_behind") == 0
            assert value(text, "newsfacts_projector_batch_seconds_count") >= 1
            assert value(text, "newsfacts_projector_batch_entries_sum") == 3
        assert await fetch(port, "/readyz") == (503, "not ready: read-model store not open\n")
        await publish(redis, names, [story(9)])
        _, text = await fetch(port, "/metrics")
        assert value(text, "newsfacts_projector_streams_behind") == 1

        async def waiting() -> bool:  # the entry's age in whole milliseconds of the server's clock
            _, text = await fetch(port, "/metrics")
            return value(text, "newsfacts_projector_lag_seconds", stream=key) > 0

        await eventually(waiting, "the unfolded entry's wait to show as lag")


async def test_a_metrics_port_in_use_is_refused_naming_it(settings: Settings) -> None:
    """A taken port is a clear error naming the address and the setting, before anything else runs."""
    with taken_port() as port:
        meter = StageMeter("clean")
        with pytest.raises(PortInUse, match=rf"127\.0\.0\.1:{port} is in use .*NEWSFACTS_METRICS_PORT"):
            async with serving(settings.model_copy(update={"metrics_port": port}), meter.probes("s", "g")):
                pass
