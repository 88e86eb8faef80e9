"""The app's Redis client, made on first use inside the running app (never at import time)."""

from __future__ import annotations

from fastapi import HTTPException
from redis.asyncio import Redis

from services.common import connection
from services.common.server import ServerUnavailable
from services.common.settings import Settings


class RedisHandle:
    """One client per app; a server that is not running yet is looked for again on the next request."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Redis | None = None

    def client(self) -> Redis:
        """The client; 503 saying what to do when no server is configured or running."""
        if self._client is None:
            try:
                self._client = connection.client(connection.redis_url(self._settings))
            except ServerUnavailable as exc:
                raise HTTPException(503, str(exc)) from None
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
