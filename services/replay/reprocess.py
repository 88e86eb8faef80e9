"""Asking a stage's workers to process chosen historical inputs again, with its current code.

A request (``article.reprocess_requested``) is appended to the stage's input
stream for each chosen input (``selection.py``); the ordinary workers of the stage
pick it up, so reprocessing scales like normal work, and the stages after it run
on the new facts as usual. Inputs this code version has already processed are
skipped, so running the same reprocess twice appends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis

from services.archive.store import Archive
from services.common.envelope import Envelope, derived_id, encode, make_event
from services.common.events.control import ArticleReprocessRequestedV1
from services.common.names import EVENT_FIELD, Names
from services.common.reprocess import REQUEST_TYPE
from services.common.stage import Stage
from services.replay.selection import Input, Scan, Selection, select_inputs


@dataclass
class ReprocessReport:
    scanned: int = 0
    selected: int = 0
    superseded: int = 0
    requested: int = 0
    already_current: int = 0
    request_ids: list[str] = field(default_factory=list)


async def reprocess(
    client: Redis, names: Names, stage: Stage, selection: Selection, *, reason: str = "", batch: int = 2000,
    on_progress: Callable[[int], None] | None = None, scan: Scan | None = None,
    archive: Archive | None = None,
) -> ReprocessReport:  # fmt: skip
    """Append a reprocess request for every chosen input the stage's current version has not processed.

    ``scan`` reuses inputs already chosen (``--shadow --swap`` shows them first).
    """
    if scan is None:
        scan = await select_inputs(
            client, names, stage, selection, batch=batch, on_progress=on_progress, archive=archive
        )
    report = ReprocessReport(scan.scanned, len(scan.chosen), scan.superseded)
    for start in range(0, len(scan.chosen), batch):
        await _request(client, names, stage, scan.chosen[start : start + batch], reason, report)
    return report


async def _request(
    client: Redis, names: Names, stage: Stage, chosen: list[Input], reason: str, report: ReprocessReport
) -> None:
    if not chosen:
        return
    done = await client.hmget(names.done(stage.name), [f"{stage.version}:{i.event_id}" for i in chosen])
    async with client.pipeline(transaction=False) as pipe:
        for original, seen in zip(chosen, done, strict=True):
            if seen is not None:
                report.already_current += 1
                continue
            request = request_event(stage, original, reason)
            pipe.xadd(names.input_stream(stage.name), {EVENT_FIELD: encode(request)})
            report.request_ids.append(request.id)
            report.requested += 1
        await pipe.execute()


def request_event(stage: Stage, original: Input, reason: str) -> Envelope:
    """The request for ``stage`` to run again on ``original``: the same request for the same version."""
    data = ArticleReprocessRequestedV1(
        stage=stage.name, entry_id=original.entry_id, event_id=original.event_id, reason=reason
    )
    return make_event(
        REQUEST_TYPE,
        data,
        source="newsfacts/replay",
        stageversion=f"replay/{stage.producer}",
        subject=original.subject,
        correlationid=original.correlationid,
        causationid=original.event_id,
        event_id=derived_id(original.event_id, f"reprocess:{stage.producer}", REQUEST_TYPE),
    )
