"""The HTTP side: ``/metrics`` (Prometheus text), ``/healthz`` and ``/readyz``, served on the process's loop.

The routes are FastStream ASGI handlers in an ``AsgiFastStream`` used as the router only: the
worker's own ``FastStream`` app keeps running the broker and handling SIGTERM, and the probe
server outlives the app when ``run_stage`` recreates it (a vanished consumer group). uvicorn
serves it without touching signals: its own handlers would re-raise SIGTERM after shutdown,
and a worker must exit 0 on SIGTERM. Being served on the loop is the liveness check: a loop
that cannot answer ``/healthz`` in time is not running the stage either.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import structlog
import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest
from redis.asyncio import Redis

from services.common import connection
from services.common.settings import Settings

#: The longest a readiness check or a scrape's refresh may take before it counts as failed.
CHECK_TIMEOUT_S = 2.0
#: How often the loop's responsiveness is sampled, and over how many samples the gauge is the worst.
TICK_S = 1.0
WINDOW = 15
_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


class PortInUse(Exception):
    """The metrics port cannot be bound."""


async def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Probes:
    """What a process serves: its metrics and how to tell whether it is ready.

    ``ready`` returns None when the process can do its work, else why not (a short text with no
    secret in it). ``refresh`` updates the gauges that are read from elsewhere, before a scrape.
    """

    registry: CollectorRegistry
    ready: Callable[[], Awaitable[str | None]]
    refresh: Callable[[], Awaitable[None]] = _nothing


def router(probes: Probes) -> AsgiFastStream:
    """The ASGI app answering the three paths (anything else: 404)."""

    @get(include_in_schema=False)
    async def metrics(scope: object) -> AsgiResponse:
        with contextlib.suppress(Exception):  # a gauge that cannot be refreshed keeps its last value
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                await probes.refresh()
        return AsgiResponse(generate_latest(probes.registry), 200, {"Content-Type": CONTENT_TYPE_LATEST})

    @get(include_in_schema=False)
    async def healthz(scope: object) -> AsgiResponse:
        return AsgiResponse(b"ok\n", 200, _TEXT)

    @get(include_in_schema=False)
    async def readyz(scope: object) -> AsgiResponse:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                why = await probes.ready()
        except TimeoutError:
            why = f"readiness check took over {CHECK_TIMEOUT_S:g} s"
        if why is None:
            return AsgiResponse(b"ready\n", 200, _TEXT)
        return AsgiResponse(f"not ready: {why}\n".encode(), 503, _TEXT)

    routes = [("/metrics", metrics), ("/healthz", healthz), ("/readyz", readyz)]
    return AsgiFastStream(asgi_routes=routes, logger=None)


async def _measure_loop(lag: Gauge) -> None:
    """Set ``lag`` to the latest a tick woke in the last ``WINDOW`` ticks: the longest the loop was held
    (a batch, a warm-up), kept long enough for a scrape every 15 s to see it."""
    loop = asyncio.get_running_loop()
    recent: deque[float] = deque(maxlen=WINDOW)
    while True:
        asked = loop.time()
        await asyncio.sleep(TICK_S)
        recent.append(max(0.0, loop.time() - asked - TICK_S))
        lag.set(max(recent))


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers: the process's own app decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or ``PortInUse`` saying which address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        taken = exc.errno == errno.EADDRINUSE
        raise PortInUse(
            f"metrics port {host}:{port} "
            + ("is in use" if taken else f"cannot be bound: {exc.strerror}")
            + " (NEWSFACTS_METRICS_PORT, NEWSFACTS_METRICS_HOST)"
        ) from exc
    sock.listen(64)
    sock.setblocking(False)
    return sock


@contextlib.asynccontextmanager
async def serving(settings: Settings, probes: Callable[[Redis], Probes]) -> AsyncIterator[None]:
    """Serve ``probes(client)`` on ``NEWSFACTS_METRICS_HOST:PORT`` for the block; with no port, nothing.

    ``client`` is a connection of the probes' own, so a check never waits behind a batch's commands.
    """
    port = settings.metrics_port
    if port is None:
        yield
        return
    host, url = settings.metrics_host, connection.redis_url(settings)  # NoServer before anything is bound
    sock = bind(host, port)
    client = connection.client(url)
    served = probes(client)
    lag = Gauge(
        "newsfacts_event_loop_lag_seconds",
        f"The latest the event loop ran a {TICK_S:g} s timer in the last {WINDOW} (the longest it was held).",
        registry=served.registry,
    )
    config = uvicorn.Config(
        router(served), lifespan="off", log_config=None, log_level="warning", access_log=False
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    ticker = asyncio.create_task(_measure_loop(lag))
    structlog.get_logger().info("metrics and probes served", address=f"http://{host}:{port}")
    try:
        yield
    finally:
        ticker.cancel()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
            await ticker
        sock.close()
        await client.aclose()
