"""The probe routes as an ASGI app, without a server: what each path answers, and when."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client import CollectorRegistry, Gauge

from services.common.settings import Settings
from services.telemetry import Probes, serving
from services.telemetry.probes import router
from services.telemetry.projector import entry_ms
from tests.probing import free_port, get, value
from tests.support import eventually


async def call(probes: Probes, path: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    """One request through the router: status, body, headers."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}
    await router(probes)(scope, receive, send)
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], sent[1]["body"].decode(), headers


async def ready() -> str | None:
    return None


async def test_healthz_and_readyz_answer_in_plain_text() -> None:
    """Alive is 200 ok; ready is 200 ready; not ready is 503 with the reason."""
    probes = Probes(CollectorRegistry(), ready=ready)
    assert (await call(probes, "/healthz"))[:2] == (200, "ok\n")
    assert (await call(probes, "/readyz"))[:2] == (200, "ready\n")

    async def not_ready() -> str | None:
        return "consumer group clean of nf:stream:ingested does not exist"

    status, body, _ = await call(Probes(CollectorRegistry(), ready=not_ready), "/readyz")
    assert (status, body) == (503, "not ready: consumer group clean of nf:stream:ingested does not exist\n")


async def test_metrics_are_prometheus_text_even_when_a_refresh_fails() -> None:
    """A gauge that cannot be refreshed (server gone) keeps its last value; the scrape still succeeds."""
    registry = CollectorRegistry()
    Gauge("newsfacts_test_lag", "A test gauge.", registry=registry).set(3)

    async def refresh() -> None:
        raise ConnectionError("server gone")

    status, body, headers = await call(Probes(registry, ready=ready, refresh=refresh), "/metrics")
    assert status == 200 and "newsfacts_test_lag 3.0" in body
    assert headers["content-type"].startswith("text/plain; version=")


async def test_other_paths_are_404_and_other_methods_405() -> None:
    """Only the three paths exist, and only for GET (and HEAD)."""
    probes = Probes(CollectorRegistry(), ready=ready)
    assert (await call(probes, "/"))[0] == 404
    assert (await call(probes, "/metrics", method="POST"))[0] == 405


async def test_no_port_means_no_server_and_no_connection() -> None:
    """With NEWSFACTS_METRICS_PORT unset (the default) nothing is bound and no client is made."""
    settings = Settings(REDIS_URL="redis://127.0.0.1:1/0")
    assert settings.metrics_port is None

    def probes(client: object) -> Probes:
        raise AssertionError("probes built without a port")

    async with serving(settings, probes):
        pass


def test_entry_ms_reads_the_time_part_of_an_entry_id() -> None:
    """``1795578863594-0`` is 1795578863594 ms; ids without one count as 0."""
    assert (entry_ms("1795578863594-0"), entry_ms("0-0"), entry_ms("")) == (1795578863594, 0, 0)


def hold(seconds: float) -> None:
    """Keep the event loop from running anything else, as a long batch would."""
    time.sleep(seconds)


async def test_a_held_event_loop_shows_as_loop_lag() -> None:
    """A loop held past its 1 s timer by 0.3 s or more is reported as at least that late."""
    settings = Settings(REDIS_URL="redis://127.0.0.1:1/0", metrics_port=free_port())
    assert settings.metrics_port is not None
    async with serving(settings, lambda client: Probes(CollectorRegistry(), ready=ready)):
        await asyncio.sleep(0)  # the sampler sets its first 1 s timer
        hold(1.4)  # the behaviour under test, not a wait: the timer fires at least 0.3 s late

        async def late() -> bool:
            _, text = await asyncio.to_thread(get, settings.metrics_port or 0, "/metrics")
            return value(text, "newsfacts_event_loop_lag_seconds") >= 0.3

        await eventually(late, "the held loop to show as lag", within=5.0)
