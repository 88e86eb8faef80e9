"""Helpers the integration tests share: poll for a condition, run apps for a block."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from services.common.settings import Settings


class App(Protocol):
    """What ``running`` drives: a FastStream app (the stages) or the projector."""

    async def run(self) -> None: ...

    def exit(self) -> None: ...


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 10.0) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def running(*apps: App) -> AsyncIterator[None]:
    """The apps run as tasks for the block's duration, then stop gracefully."""
    tasks = [asyncio.create_task(app.run()) for app in apps]
    try:
        yield
    finally:
        for app in apps:
            app.exit()
        await asyncio.gather(*tasks)


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment without newsfacts settings, plus the test's server, prefix and data."""
    assert settings.redis_url is not None
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL" and not k.startswith("NEWSFACTS_")}
    return {
        **env,
        "REDIS_URL": settings.redis_url.get_secret_value(),
        "NEWSFACTS_PREFIX": settings.prefix,
        "NEWSFACTS_DATA_DIR": str(settings.data_dir),
        **extra,
    }
