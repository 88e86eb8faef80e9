"""Publishing the benchmark's articles: as fast as possible, or paced at a rate, remembering when.

Each item is sent as ``newsfacts publish`` sends it (a valid article as an ``article.submitted``
envelope with a fresh correlation id, anything else raw, for ingest to reject) and the send time and
stream entry id of every one is kept, keyed by the correlation id its outcome will carry.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from redis.asyncio import Redis

from services.common.envelope import derived_id, encode, make_event, new_id
from services.common.names import EVENT_FIELD, Names
from services.common.rejection import Rejection
from services.ingest.logic import validate
from services.publish.sources import Item

PRODUCER = "bench/1"


@dataclass(frozen=True, slots=True)
class Payload:
    """What goes on the stream for one item; ``correlation`` is None for raw input (known once sent)."""

    raw: bytes
    correlation: str | None


@dataclass(slots=True)
class Sent:
    """Per correlation id: the wall time (s) its send began, and its submitted entry id's milliseconds."""

    sent_at: dict[str, float] = field(default_factory=dict)
    entry_ms: dict[str, int] = field(default_factory=dict)
    first_id: str | None = None
    done: bool = False

    @property
    def correlations(self) -> list[str]:
        return list(self.sent_at)


def payloads(items: Sequence[Item]) -> list[Payload]:
    """The envelope (or raw bytes) to publish for each item."""
    out = []
    for item in items:
        try:
            data = validate(item.article) if item.article is not None else None
        except Rejection:
            data = None
        if data is None:
            out.append(Payload(item.raw, None))
            continue
        event = make_event(
            "article.submitted", data, source="newsfacts/bench", stageversion=PRODUCER,
            subject=None, correlationid=new_id(), causationid=None,
        )  # fmt: skip
        out.append(Payload(encode(event), event.correlationid))
    return out


async def send(
    client: Redis, names: Names, items: Sequence[Payload], sent: Sent, *, rate: float | None, chunk: int = 100
) -> None:
    """Append every payload to the ingest stream: ``chunk`` per round trip, or ``rate`` per second."""
    stream = names.input_stream("ingest")
    start = time.perf_counter()
    at = 0
    while at < len(items):
        if rate is None:
            upto = min(len(items), at + chunk)
        else:
            due = int((time.perf_counter() - start) * rate) + 1
            upto = min(len(items), max(due, at + 1))
        batch = items[at:upto]
        began = time.time()
        async with client.pipeline(transaction=False) as pipe:
            for p in batch:
                pipe.xadd(stream, {EVENT_FIELD: p.raw})
            ids = [i.decode() for i in await pipe.execute()]
        for p, entry_id in zip(batch, ids, strict=True):
            # Ingest derives a raw input's correlation id from its entry: the same rule, here.
            cid = p.correlation or derived_id(f"{stream}:{entry_id}", "correlation", "")
            sent.sent_at[cid] = began
            sent.entry_ms[cid] = int(entry_id.partition("-")[0])
        sent.first_id = sent.first_id or ids[0]
        at = upto
        if rate is not None and at < len(items):
            await asyncio.sleep(max(0.0, start + at / rate - time.perf_counter()))
        elif rate is None:
            await asyncio.sleep(0)  # let the watcher poll between chunks
    sent.done = True
