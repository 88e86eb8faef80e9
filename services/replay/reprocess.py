"""Choosing historical inputs of a stage and asking the stage's workers to process them again.

A request (``article.reprocess_requested``) is appended to the stage's input
stream for each chosen input; the ordinary workers of the stage pick it up, so
reprocessing scales like normal work. Inputs this code version has already
processed are skipped, so running the same reprocess twice appends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from services.common.envelope import Envelope, decode, derived_id, encode, make_event
from services.common.events.control import ArticleReprocessRequestedV1
from services.common.names import EVENT_FIELD, Names
from services.common.rejection import Rejection
from services.common.reprocess import REQUEST_TYPE
from services.common.stage import Stage, entry_payload


@dataclass(frozen=True, slots=True)
class Selection:
    """Which inputs to reprocess; every given criterion must hold."""

    since: str = "-"
    until: str = "+"
    articles: frozenset[str] = frozenset()
    source: str | None = None
    allowed: frozenset[str] | None = None  # article ids from a read-model criterion (topic, version)

    def admits(self, event: Envelope) -> bool:
        subject = event.subject or ""
        if self.articles and subject not in self.articles:
            return False
        if self.allowed is not None and subject not in self.allowed:
            return False
        return self.source is None or _source(event) == self.source


@dataclass
class ReprocessReport:
    scanned: int = 0
    selected: int = 0
    requested: int = 0
    already_current: int = 0
    request_ids: list[str] = field(default_factory=list)


async def reprocess(
    client: Redis, names: Names, stage: Stage, selection: Selection, *, reason: str = "", batch: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> ReprocessReport:  # fmt: skip
    """Append a reprocess request for every selected input the stage's current version has not processed."""
    report = ReprocessReport()
    stream, cursor = names.input_stream(stage.name), selection.since
    while True:
        rows: Any = await client.xrange(stream, min=cursor, max=selection.until, count=batch)
        chosen = [(eid.decode(), e) for eid, fields in rows if (e := _candidate(stage, selection, fields))]
        report.scanned += len(rows)
        report.selected += len(chosen)
        await _request(client, names, stage, chosen, reason, report)
        if on_progress is not None:
            on_progress(report.scanned)
        if len(rows) < batch:
            return report
        cursor = "(" + rows[-1][0].decode()


def _candidate(stage: Stage, selection: Selection, fields: Any) -> Envelope | None:
    try:
        event = decode(entry_payload(fields))
    except Rejection:
        return None
    if event.type not in stage.accepts or event.type == REQUEST_TYPE:
        return None
    return event if selection.admits(event) else None


async def _request(
    client: Redis,
    names: Names,
    stage: Stage,
    chosen: list[tuple[str, Envelope]],
    reason: str,
    report: ReprocessReport,
) -> None:
    if not chosen:
        return
    done = await client.hmget(names.done(stage.name), [f"{stage.version}:{e.id}" for _, e in chosen])
    async with client.pipeline(transaction=False) as pipe:
        for (entry_id, event), seen in zip(chosen, done, strict=True):
            if seen is not None:
                report.already_current += 1
                continue
            request = _request_event(stage, entry_id, event, reason)
            pipe.xadd(names.input_stream(stage.name), {EVENT_FIELD: encode(request)})
            report.request_ids.append(request.id)
            report.requested += 1
        await pipe.execute()


def _request_event(stage: Stage, entry_id: str, original: Envelope, reason: str) -> Envelope:
    data = ArticleReprocessRequestedV1(
        stage=stage.name, entry_id=entry_id, event_id=original.id, reason=reason
    )
    return make_event(
        REQUEST_TYPE,
        data,
        source="newsfacts/replay",
        stageversion=f"replay/{stage.producer}",
        subject=original.subject,
        correlationid=original.correlationid,
        causationid=original.id,
        event_id=derived_id(original.id, f"reprocess:{stage.producer}", REQUEST_TYPE),
    )


def _source(event: Envelope) -> str | None:
    data = event.data
    article = data.get("article")
    value = article.get("source") if isinstance(article, dict) else data.get("source")
    return value if isinstance(value, str) else None


def parse_where(values: list[str]) -> dict[str, str]:
    """``['topic=sport', 'source=Reuters']`` -> dict; only topic and source are known."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, wanted = value.partition("=")
        if not sep or key not in ("topic", "source") or not wanted:
            raise ValueError(f"--where takes topic=LABEL|CODE or source=NAME, not {value!r}")
        out[key] = wanted
    return out
