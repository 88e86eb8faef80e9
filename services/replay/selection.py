"""Choosing which historical inputs of a stage to run again.

An input is chosen when it passes every criterion of the ``Selection`` and is its
article's **latest** input in the stream: after a correction or an earlier
reprocess, an article has several inputs at a stage, and running a newer code
version on a superseded one would make stale text win the stage-version rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from services.archive.store import Archive
from services.archive.tiers import stream_rows
from services.common.envelope import Envelope, decode
from services.common.names import STAGE_INPUT, Names
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
    excluded: frozenset[str] = frozenset()  # retracted articles: their new facts would be ignored

    def admits(self, event: Envelope) -> bool:
        subject = event.subject or ""
        if self.articles and subject not in self.articles:
            return False
        if self.allowed is not None and subject not in self.allowed:
            return False
        if subject in self.excluded:
            return False
        return self.source is None or _source(event) == self.source


@dataclass(frozen=True, slots=True)
class Input:
    """A chosen input: where it is in the stage's input stream, and what a request needs of it."""

    entry_id: str
    event_id: str
    subject: str | None
    correlationid: str


@dataclass
class Scan:
    """What a scan of the input stream found."""

    scanned: int = 0
    superseded: int = 0
    chosen: list[Input] = field(default_factory=list)


async def select_inputs(
    client: Redis, names: Names, stage: Stage, selection: Selection, *, batch: int = 2000,
    on_progress: Callable[[int], None] | None = None, archive: Archive | None = None,
) -> Scan:  # fmt: skip
    """Scan the stage's input stream (archive, then hot tier) from ``selection.since`` to its end;
    the chosen inputs in log order.

    Inputs after ``until`` are read too: they are not chosen, but they supersede earlier ones.
    """
    scan = Scan()
    latest: dict[str, str] = {}  # article id -> entry id of its latest input
    admitted: list[Input] = []
    limit = _key(selection.until)
    short = STAGE_INPUT[stage.name]
    async for rows in stream_rows(client, names, short, selection.since, batch, archive):
        for raw_id, fields in rows:
            entry_id = raw_id.decode()
            event = _input(stage, fields)
            if event is None:
                continue
            key = event.subject or entry_id
            latest[key] = entry_id
            if _key(entry_id) <= limit and selection.admits(event):
                admitted.append(Input(entry_id, event.id, event.subject, event.correlationid))
        scan.scanned += sum(1 for raw_id, _ in rows if _key(raw_id.decode()) <= limit)
        if on_progress is not None:
            on_progress(scan.scanned)
    for chosen in admitted:
        if latest[chosen.subject or chosen.entry_id] == chosen.entry_id:
            scan.chosen.append(chosen)
        else:
            scan.superseded += 1
    return scan


def _input(stage: Stage, fields: Any) -> Envelope | None:
    """The entry's event if it is an input the stage processes (not a request, not garbage)."""
    try:
        event = decode(entry_payload(fields))
    except Rejection:
        return None
    if event.type not in stage.accepts or event.type == REQUEST_TYPE:
        return None
    return event


def _key(entry_id: str) -> tuple[int, int]:
    """Entry ids compare as numbers; '+' is past every id."""
    if entry_id == "+":
        return (2**64, 0)
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 2**64 - 1)


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
