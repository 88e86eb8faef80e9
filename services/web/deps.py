"""What every route needs from the app: its settings, a reader on the read store, the pipeline snapshot."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from services.common.settings import Settings
from services.web.pipeline import read_snapshot
from services.web.readstore import NoReadStore, Reader, reader

T = TypeVar("T")


def found(value: T | None, missing: str) -> T:
    """``value``, or a 404 saying what was not found."""
    if value is None:
        raise HTTPException(404, missing)
    return value


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def open_reader(request: Request) -> Iterator[Reader]:
    """A reader for one request (a read-only connection, closed after it)."""
    with reader(settings_of(request)) as found:
        yield found


Store = Annotated[Reader, Depends(open_reader)]


async def read_store(request: Request, call: Callable[[Reader], T]) -> T:
    """``call`` on a reader, off the event loop (for async routes)."""

    def run() -> T:
        with reader(settings_of(request)) as store:
            return call(store)

    return await run_in_threadpool(run)


async def pipeline_snapshot(request: Request) -> dict[str, Any]:
    """The snapshot the API, the page and the metrics share (projector: null without read models)."""
    try:
        positions: dict[str, str] | None = await read_store(request, lambda s: s.positions())
    except NoReadStore:
        positions = None
    client = request.app.state.redis.client()
    snap = await read_snapshot(
        client, settings_of(request), positions, request.app.state.rates, time.monotonic()
    )
    return snap.to_dict()
