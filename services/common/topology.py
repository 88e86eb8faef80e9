"""Creates the streams and consumer groups the pipeline needs, idempotently."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.common.names import STAGES, Names


async def ensure_topology(client: Redis, names: Names) -> None:
    """Create every stage's input stream and group, starting at the beginning of the stream.

    Groups start at ``0`` (not ``$``) so that articles published before a stage's
    first worker ever ran are still processed.
    """
    for stage in STAGES:
        try:
            await client.xgroup_create(names.input_stream(stage), names.group(stage), id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
