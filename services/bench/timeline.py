"""What the log itself says about a run: when each submission's last fact was appended, and each
stage's first and last output, from stream entry ids (the server's clock, in milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis

from services.common.names import EVENT_FIELD, LOG_STREAMS, STAGE_OUTPUT, STAGES, Names

#: Stream -> the event type on it that ends a submission (and the outcome it names).
_TERMINAL = {
    "indexed": ("article.indexed", "indexed"),
    "rejected": ("article.rejected", "rejected"),
    "ingested": ("article.duplicate", "duplicate"),
}
_FIELD = EVENT_FIELD.encode()


@dataclass(frozen=True, slots=True)
class Mark:
    """A stream's length and last entry id at one moment."""

    length: int
    last_id: str


def ms(entry_id: str) -> int:
    """The millisecond part of a stream entry id."""
    return int(entry_id.partition("-")[0])


async def first_id(client: Redis, stream: str, *, after: str = "-", last: bool = False) -> str | None:
    """The id of the first entry of ``stream`` after ``after`` (exclusive), or of its last entry."""
    rows: Any = (
        await client.xrevrange(stream, count=1)
        if last
        else await client.xrange(stream, min=f"({after}" if after != "-" else "-", count=1)
    )
    return rows[0][0].decode() if rows else None


async def marks(client: Redis, names: Names) -> dict[str, Mark]:
    """Length and last entry id of every log stream, now."""
    out = {}
    for short in LOG_STREAMS:
        key = names.stream(short)
        last = await first_id(client, key, last=True)
        out[short] = Mark(int(await client.xlen(key)), last or "0-0")
    return out


async def terminal(client: Redis, names: Names, since: dict[str, Mark]) -> dict[str, tuple[int, str]]:
    """Correlation id -> (entry ms, outcome) of its terminal fact after ``since``."""
    found: dict[str, tuple[int, str]] = {}
    for short, (event_type, outcome) in _TERMINAL.items():
        cursor = since[short].last_id
        while True:
            rows: Any = await client.xrange(names.stream(short), min=f"({cursor}", count=1000)
            if not rows:
                break
            for entry_id, fields in rows:
                event = orjson.loads(fields.get(_FIELD, b"{}"))
                if isinstance(event, dict) and event.get("type") == event_type:
                    found.setdefault(str(event["correlationid"]), (ms(entry_id.decode()), outcome))
            cursor = rows[-1][0].decode()
    return found


async def stage_spans(client: Redis, names: Names, since: dict[str, Mark]) -> dict[str, dict[str, float]]:
    """Per stage: outputs appended after ``since``, and their rate between the first and the last one."""
    spans = {}
    now = await marks(client, names)
    for stage in STAGES:
        short = STAGE_OUTPUT[stage]
        count = now[short].length - since[short].length
        first = await first_id(client, names.stream(short), after=since[short].last_id)
        span_s = (ms(now[short].last_id) - ms(first)) / 1000 if first else 0.0
        rate = (count - 1) / span_s if count > 1 and span_s > 0 else 0.0
        spans[stage] = {"outputs": count, "span_s": round(span_s, 3), "rate": round(rate, 1)}
    return spans
