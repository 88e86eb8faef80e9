"""Projector wiring: follow every log stream from the stored positions and fold what arrives into SQLite.

The projector is a log follower, not a consumer-group worker: it reads with one
blocking ``XREAD`` over all seven streams from the positions saved in the
read-model store, and applies each reply in one SQLite transaction, positions
included. A restart resumes exactly where the last commit ended, and re-reading
an entry changes nothing. One read and one transaction per poll, whatever the
number of streams with news, is what keeps publish -> visible short at low rates
(seven subscribers, one per stream, cost seven reads and seven commits).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import structlog
from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.typing import KeyT, StreamIdT

from services import readstore
from services.archive import open_archive
from services.archive.tiers import behind_trim
from services.common import connection, identity
from services.common.names import LOG_STREAMS, text
from services.common.settings import Settings
from services.projector import generations, health, logbinding
from services.projector.entries import LogEntry, Undecodable, to_entry
from services.projector.store import ReadModelStore
from services.readstore.errors import StoreUnavailable
from services.replay.rebuild import replay_into
from services.telemetry import ProjectorMeter, serving

#: The longest wait between attempts while the server is unreachable.
MAX_PAUSE_S = 5.0
#: How often an idle projector tells the archiver where it is (it also does after every batch).
HEARTBEAT_S = 10.0


class Projector:
    """One projector process's loop: ``await run()`` until ``exit()`` (or SIGTERM under ``run_projector``)."""

    def __init__(
        self, settings: Settings, path: Path | None = None, meter: ProjectorMeter | None = None
    ) -> None:
        self._settings = settings
        if path is None and readstore.is_postgres(settings.read_store_url):
            self.path = None
            self._store: readstore.Store = readstore.open_store(settings)
        else:
            self.path = path or generations.current(settings)
            self._store = ReadModelStore.open(self.path)  # readers may open it from now on
        self.store_open = True
        #: The last entry id folded, per stream key (what the lag metric compares the heads with).
        self.positions: dict[str, str] = {}
        self._meter = meter or ProjectorMeter()
        self._stop = asyncio.Event()
        self._log = structlog.get_logger().bind(stage="projector")
        where = str(self.path.resolve()) if self.path else readstore.describe(settings)
        self.id = f"{socket.gethostname()}:{where}"
        self._heard = 0.0

    def exit(self) -> None:
        """Stop after the batch in flight (a blocked read is given up; nothing of it was applied)."""
        self._stop.set()

    async def run(self) -> None:
        """Fold new log entries into the store until ``exit()``; survive the server going away."""
        try:
            url = connection.redis_url(self._settings)
            client = connection.client(url)
            where = str(self.path) if self.path else readstore.describe(self._settings)
            self._log.info("projector starting", redis=connection.redact(url), store=where)
            try:
                await self._follow(client)
            finally:
                await client.aclose()
        finally:
            self._store.close()
            self.store_open = False
            self._log.info("projector stopped")

    async def _register(self, client: Redis) -> None:
        """Tell the archiver where this projector is: nothing it has not folded is trimmed."""
        state = {"positions": self._store.positions(), "ms": int(time.time() * 1000)}
        await client.hset(self._settings.names.projectors(), self.id, orjson.dumps(state))
        self._heard = time.monotonic()

    async def _catch_up(self, client: Redis) -> None:
        """Fold what was trimmed from Redis since this store last read it, from the archive, then the
        hot tier up to its end (the follow below goes on from there)."""
        trimmed: Any = await client.hgetall(self._settings.names.trimmed())
        if not behind_trim(self._store.positions(), trimmed):
            return
        archive = open_archive(self._settings)
        found = await identity.read(client, self._settings.names)
        if found is not None:
            archive.check_log(found.log_id)
        self._log.info("store is behind the hot tier; catching up from the archive", archive=archive.url)
        applied = await replay_into(client, self._settings.names, self._store, archive=archive)
        self._log.info("caught up from the archive", applied=applied)

    async def _follow(self, client: Redis) -> None:
        names, store = self._settings.names, self._store
        short_of = {names.stream(short).encode(): short for short in LOG_STREAMS}
        cursors: dict[KeyT, StreamIdT] | None = None
        count, block = self._settings.batch_size * 5, self._settings.block_ms
        linger_from = self._settings.batch_size
        pause, beat_at = 0.1, 0.0
        while not self._stop.is_set():
            try:
                if cursors is None:  # first register (so nothing is trimmed under us), then catch up
                    log = await identity.bind(client, self._settings)
                    logbinding.record_log_id(store.connection, log.log_id)  # refuses another log's store
                    await self._register(client)
                    await self._catch_up(client)
                    cursors = {names.stream(s): p for s, p in store.positions().items() if s in LOG_STREAMS}
                    self.positions = {str(k): str(v) for k, v in cursors.items()}
                if time.monotonic() - beat_at >= 1.0:  # the heartbeat status and readers look at
                    at = {s: str(cursors.get(names.stream(s), "0-0")) for s in LOG_STREAMS}
                    await health.beat(client, names, at)
                    beat_at = time.monotonic()
                reply: Any = await self._read(client.xread(cursors, count=count, block=block))
            except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as exc:
                self._log.warning("server unreachable; retrying", error=str(exc), retry_in_s=pause)
                await self._sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_S)
                continue
            pause = 0.1
            if reply:
                entries: list[LogEntry | Undecodable] = []
                for stream, rows in reply:
                    short = short_of[stream]
                    entries += [to_entry(short, eid, fields, names=names) for eid, fields in rows]
                    cursors[names.stream(short)] = self.positions[names.stream(short)] = text(rows[-1][0])
                started = time.perf_counter()
                applied = await self._apply(entries)
                if applied is None:
                    return  # stopped while the store was out of reach: the batch is read again at start
                self._meter.folded(len(entries), applied, time.perf_counter() - started)
                if store.moved():  # a new generation switched in, or reconnected: follow from its positions
                    cursors = {names.stream(s): p for s, p in store.positions().items() if s in LOG_STREAMS}
                    self.positions = {str(k): str(v) for k, v in cursors.items()}
                    self._log.info("read models switched; following the new generation")
                self._log.debug("batch projected", size=len(entries), applied=applied, streams=len(reply))
            if reply or time.monotonic() - self._heard >= HEARTBEAT_S:
                await self._heartbeat(client)
            if reply and len(entries) >= linger_from:  # busy: let more arrive, fewer and larger transactions
                await self._sleep(self._settings.linger_ms / 1000)

    async def _apply(self, entries: list[LogEntry | Undecodable]) -> int | None:
        """Apply a batch, trying again with backoff while the store is out of reach (None: stopped)."""
        pause = 0.1
        while True:
            try:
                return self._store.apply_batch(entries)
            except StoreUnavailable as exc:
                self._log.warning("read store unreachable; retrying", error=str(exc), retry_in_s=pause)
            if self._stop.is_set():
                return None
            await self._sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_S)

    async def _heartbeat(self, client: Redis) -> None:
        """``_register``, best effort: a missed one leaves an older position, which only trims less."""
        try:
            await self._register(client)
        except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as exc:
            self._log.debug("position not registered", error=str(exc))

    async def _read(self, call: Any) -> Any:
        """The read's reply, or None as soon as ``exit()`` is called while it blocks."""
        read = asyncio.ensure_future(call)
        stop = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({read, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if not read.done():
            read.cancel()
            return None
        return read.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)


def projector_app(
    settings: Settings, path: Path | None = None, meter: ProjectorMeter | None = None
) -> Projector:
    """The projector folding the log into the store at ``path`` (default: the live store the settings
    name: the SQLite live generation, or the PostgreSQL database)."""
    return Projector(settings, path, meter)


async def run_projector(settings: Settings, *, check_every_s: float = 1.0) -> None:
    """Run the projector until SIGTERM/SIGINT, with its metrics and probes served when a port is set."""
    meter = ProjectorMeter()
    current: list[Projector] = []  # the generation being followed, for readiness and lag
    async with serving(settings, meter.probes(lambda: current[-1] if current else None)):
        await _following(settings, check_every_s, meter, current)


async def _following(
    settings: Settings, check_every_s: float, meter: ProjectorMeter, current: list[Projector]
) -> None:
    """Follow the log, moving to a new generation when a rebuild switches to one."""
    log = structlog.get_logger().bind(stage="projector")
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await _tell(settings, lambda c: health.started(c, settings.names, readstore.describe(settings)))
    if readstore.is_postgres(settings.read_store_url):  # one store; no generation files to follow
        await _run_one(settings, stopping)
        return
    while True:
        try:
            path = generations.current(settings)
            app = projector_app(settings, path, meter)
        except Exception as exc:
            await _tell(settings, partial(health.failed, names=settings.names, error=exc))
            raise
        current[:] = [app]

        async def watch(app: Projector = app, path: Path = path) -> None:
            while generations.current(settings) == path:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), check_every_s)
                    break
            app.exit()

        watcher = asyncio.create_task(watch())
        try:
            await app.run()
        except Exception as exc:
            await _tell(settings, partial(health.failed, names=settings.names, error=exc))
            raise
        finally:
            watcher.cancel()
        if stopping.is_set() or generations.current(settings) == path:
            return
        log.info(
            "read models switched; continuing on the new generation", store=str(generations.current(settings))
        )


async def _run_one(settings: Settings, stopping: asyncio.Event) -> None:
    """The projector of a store that has no generation files (PostgreSQL), until ``stopping``."""
    try:
        app = projector_app(settings)
        stopper = asyncio.create_task(stopping.wait())
        stopper.add_done_callback(lambda _: app.exit())
        try:
            await app.run()
        finally:
            stopper.cancel()
    except Exception as exc:
        await _tell(settings, partial(health.failed, names=settings.names, error=exc))
        raise


async def _tell(settings: Settings, say: Callable[[Redis], Awaitable[None]]) -> None:
    """Record a start or the error the projector stops on where ``status`` shows it (best effort)."""
    try:
        client = connection.client(connection.redis_url(settings))
    except Exception:  # noqa: BLE001 - no server to tell: the error still reaches the log and the exit code
        return
    try:
        await say(client)
    except (redis_errors.RedisError, OSError):
        pass
    finally:
        await client.aclose()
