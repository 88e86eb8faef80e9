"""Where the Redis URL comes from: the user's ``REDIS_URL`` or the embedded server already running.

Connecting never starts a server: only ``up``, ``demo``, ``worker`` and ``server start``
do (``server.ensure_server``); every other command connects or stops with exit 3.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis.asyncio as aioredis

from services.common.server import NoServer, running
from services.common.settings import Settings


def redis_url(settings: Settings) -> str:
    """``REDIS_URL``, else the embedded server running for the data directory; ``NoServer`` if none."""
    if settings.redis_url is not None:
        return settings.redis_url.get_secret_value()
    embedded = running(settings)
    if embedded is None:
        raise NoServer(settings)
    return embedded.url


def redact(url: str) -> str:
    """The URL with any password replaced (in the userinfo or the query), safe to log or print."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k.lower() == "password" for k, _ in query):
        hidden = [(k, "***" if k.lower() == "password" else v) for k, v in query]
        parts = parts._replace(query=urlencode(hidden, safe="*"))
        url = urlunsplit(parts)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def client(url: str) -> aioredis.Redis:
    """An asyncio client with sane timeouts and reconnect on failure."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=False,
        socket_connect_timeout=5,
        health_check_interval=30,
        retry_on_timeout=True,
    )
