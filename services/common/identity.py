"""The log's identity: one metadata hash per log, written once, checked by every process.

``<prefix>:meta`` (``Names.meta()``) holds ``log_id`` (a uuid4), ``partitions``, ``layout``
and ``created_at``. The first writer process to start (a worker, the projector, ``publish``,
``up``) writes it, all fields at once and only if it is absent (one Lua script on one key,
so two processes starting together agree on one identity). Every process then compares it
with its own settings and refuses a mismatch (``LogMismatch``): a log's partition count
cannot change without misrouting articles. A log written before this metadata existed
(streams with entries, no hash) is adopted as what it must be: one partition, layout 1.

Read stores record the ``log_id`` they were folded from (``services/projector/logbinding.py``)
and refuse to be folded into, rebuilt into or served for another log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from services.common import connection
from services.common.envelope import now_rfc3339
from services.common.names import LOG_STREAMS, Names, text
from services.common.partitions import LAYOUT_SINGLE, layout_for
from services.common.settings import Settings

#: Exit code of a process refusing a log whose metadata does not match its settings.
EXIT_MISMATCH = 5

_WRITE_ONCE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return redis.call('HGETALL', KEYS[1])
"""


class LogMismatch(RuntimeError):
    """This process's settings do not fit the log it was pointed at."""


@dataclass(frozen=True, slots=True)
class LogIdentity:
    """What ``<prefix>:meta`` says about the log."""

    log_id: str
    partitions: int
    layout: int
    created_at: str
    adopted: bool = False

    def check(self, settings: Settings) -> LogIdentity:
        """Itself, if ``settings`` fit this log; else ``LogMismatch`` saying why."""
        if settings.partitions != self.partitions or layout_for(settings.partitions) != self.layout:
            one = "partition" if self.partitions == 1 else "partitions"
            raise LogMismatch(
                f"this log ({settings.prefix}, log id {self.log_id}) has {self.partitions} {one} "
                f"(layout {self.layout}); NEWSFACTS_PARTITIONS={settings.partitions} would misroute "
                f"articles. Set NEWSFACTS_PARTITIONS={self.partitions}: changing the number of "
                "partitions of a log is not supported (repartition: not yet)"
            )
        return self


async def bind(client: Redis, settings: Settings) -> LogIdentity:
    """The log's identity, written first if this is the log's first start; checked against ``settings``.

    For writers: call it before creating any stream (``ensure_topology``), so that a new log is
    not mistaken for one written before identities existed.
    """
    names = settings.names
    found = await read(client, names)
    if found is None:
        adopted = await _has_entries(client, names)
        partitions = 1 if adopted else settings.partitions
        fields = {
            "log_id": str(uuid.uuid4()),
            "partitions": str(partitions),
            "layout": str(LAYOUT_SINGLE if adopted else layout_for(partitions)),
            "created_at": now_rfc3339(),
            "adopted": "1" if adopted else "0",
        }
        flat = [x for kv in fields.items() for x in kv]
        reply = await client.eval(_WRITE_ONCE, 1, names.meta(), *flat)
        found = _identity({text(reply[i]): text(reply[i + 1]) for i in range(0, len(reply), 2)})
    return found.check(settings)


async def bind_configured(settings: Settings) -> LogIdentity:
    """``bind`` on a client of its own, for a process that talks to Redis otherwise (``up``, the archiver)."""
    client = connection.client(connection.redis_url(settings))
    try:
        return await bind(client, settings)
    finally:
        await client.aclose()


async def read(client: Redis, names: Names) -> LogIdentity | None:
    """The log's identity, or None when no process has written it yet (readers only check)."""
    raw = await client.hgetall(names.meta())
    if not raw:
        return None
    return _identity({text(k): text(v) for k, v in raw.items()})


async def check(client: Redis, settings: Settings) -> LogIdentity | None:
    """For processes that cannot write: the identity checked against ``settings``, or None if unwritten."""
    found = await read(client, settings.names)
    return found.check(settings) if found is not None else None


async def _has_entries(client: Redis, names: Names) -> bool:
    """Whether the unpartitioned streams hold entries: a log from before identities existed."""
    async with client.pipeline(transaction=False) as pipe:
        for short in LOG_STREAMS:
            pipe.xlen(names.stream(short))
        lengths = await pipe.execute()
    return any(int(n) for n in lengths)


def _identity(fields: dict[str, str]) -> LogIdentity:
    try:
        return LogIdentity(
            log_id=fields["log_id"],
            partitions=int(fields["partitions"]),
            layout=int(fields["layout"]),
            created_at=fields.get("created_at", ""),
            adopted=fields.get("adopted") == "1",
        )
    except (KeyError, ValueError) as exc:
        raise LogMismatch(f"the log's metadata hash is not newsfacts metadata ({exc}): {fields}") from None
