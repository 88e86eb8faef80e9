"""What a pipeline stage is, and how one input entry becomes one commit.

A stage is plain data: its name, code version, the event types it accepts and
a pure ``process`` function. ``outcome_for`` wraps any stage with the rules all
stages share: decode the entry, skip types the stage does not handle, turn
input faults into ``article.rejected`` facts, and guard the commit so a
redelivered entry appends nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from faststream.redis import BinaryMessageFormatV1
from pydantic import BaseModel

from services.common.committer import Guard, Outcome
from services.common.deadletter import Failure
from services.common.envelope import Envelope, decode, derived_id, make_event
from services.common.events import CURRENT
from services.common.events.intake import ArticleRejectedV1, RejectReason
from services.common.names import EVENT_FIELD, Names
from services.common.rejection import Rejection

_EVENT_KEY = EVENT_FIELD.encode()
_FASTSTREAM_KEY = b"__data__"


@dataclass(frozen=True, slots=True)
class Result:
    """A stage's answer for one input: events to append, optionally under a custom guard."""

    events: list[Envelope]
    guard: Guard | None = None
    otherwise: list[Envelope] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Stage:
    """One pipeline stage, independent of any broker."""

    name: str
    version: str
    accepts: frozenset[str]
    process: Callable[[Envelope, StageContext], Result]
    #: How to read an entry's event; ingest overrides it to also accept bare articles.
    read: Callable[[bytes, str, StageContext], Envelope] = lambda raw, _entry, _ctx: decode(raw)
    #: Whether the input stream is written by newsfacts itself (every stage but ingest): an
    #: unreadable event there is an internal fault, dead-lettered, not the article's fault.
    internal: bool = True
    #: Loads data files and models ahead of the first article.
    warm_up: Callable[[], object] = lambda: None

    @property
    def producer(self) -> str:
        return f"{self.name}/{self.version}"


@dataclass(frozen=True, slots=True)
class StageContext:
    """What a stage's process function may know beyond the event."""

    names: Names
    stage: str
    version: str
    max_article_bytes: int = 4 * 1024 * 1024
    max_event_bytes: int = 6 * 1024 * 1024
    raw_keep_bytes: int = 64 * 1024

    def derive(self, parent: Envelope, event_type: str, data: BaseModel, *, subject: str | None) -> Envelope:
        """An event caused by ``parent``, with a deterministic id (same input, same version, same id)."""
        producer = f"{self.stage}/{self.version}"
        return make_event(
            event_type,
            data,
            source=f"newsfacts/{self.stage}",
            stageversion=producer,
            subject=subject,
            correlationid=parent.correlationid,
            causationid=parent.id,
            event_id=derived_id(parent.id, producer, event_type),
        )

    def rejected(
        self, raw: bytes, entry_id: str, fault: Rejection, parent: Envelope | None = None
    ) -> Envelope:
        """An ``article.rejected`` fact that keeps the input (up to ``raw_keep_bytes``)."""
        data = ArticleRejectedV1(
            stage=self.stage,
            reason=fault.reason,
            message=fault.message,
            article_id=parent.subject if parent else None,
            input_entry_id=entry_id,
            input_event_id=parent.id if parent else None,
            raw=raw[: self.raw_keep_bytes].decode("utf-8", errors="replace"),
            raw_size=len(raw),
            raw_sha256=hashlib.sha256(raw).hexdigest(),
        )
        producer = f"{self.stage}/{self.version}"
        cause = parent.id if parent else f"{self.names.input_stream(self.stage)}:{entry_id}"
        return make_event(
            "article.rejected",
            data,
            source=f"newsfacts/{self.stage}",
            stageversion=producer,
            subject=parent.subject if parent else None,
            correlationid=parent.correlationid if parent else derived_id(cause, "correlation", ""),
            causationid=parent.id if parent else None,
            event_id=derived_id(cause, producer, "article.rejected"),
        )


#: Faults in an event on an internal stream: our own code wrote it, so it is not the article's fault.
_INTERNAL_FAULTS = frozenset(
    {
        RejectReason.BAD_ENVELOPE,
        RejectReason.MALFORMED_JSON,
        RejectReason.NOT_UTF8,
        RejectReason.NOT_AN_OBJECT,
        RejectReason.UNKNOWN_EVENT_TYPE,
        RejectReason.UNSUPPORTED_VERSION,
        RejectReason.INVALID_FIELD,
        RejectReason.TOO_LARGE,
    }
)


def outcome_for(
    stage: Stage, ctx: StageContext, entry_id: bytes | str, fields: Mapping[bytes, bytes]
) -> Outcome | Failure:
    """Turn one stream entry into what to commit for it, or a ``Failure``. Never raises."""
    eid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    raw = entry_payload(fields)
    default_guard = Guard(ctx.names.done(stage.name), f"{stage.version}:{eid}", eid)
    names = ctx.names
    parent: Envelope | None = None
    try:
        if not raw:
            keys = sorted(k.decode("utf-8", "replace") for k in fields)
            raise Rejection(
                RejectReason.BAD_ENVELOPE, f"stream entry has no '{EVENT_FIELD}' field (fields: {keys})"
            )
        if stage.internal and len(raw) > ctx.max_event_bytes:
            raise Rejection(
                RejectReason.TOO_LARGE,
                f"event is {len(raw):,} bytes; events on internal streams are limited to "
                f"{ctx.max_event_bytes:,} (NEWSFACTS_MAX_EVENT_BYTES)",
            )
        parent = stage.read(raw, eid, ctx)
        if parent.type not in stage.accepts:
            if parent.type not in CURRENT:
                raise Rejection(RejectReason.UNKNOWN_EVENT_TYPE, f"unknown event type {parent.type!r}")
            return Outcome(entry_id, default_guard, subject=parent.subject)
        result = stage.process(parent, ctx)
    except Rejection as fault:
        if stage.internal and fault.reason in _INTERNAL_FAULTS:
            subject = parent.subject if parent else None
            return Failure(
                entry_id, raw or _fields_as_bytes(fields), subject, fault.reason.value, fault.message, True
            )
        event = ctx.rejected(raw or _fields_as_bytes(fields), eid, fault, parent)
        rejected = ((names.output_stream(stage.name, event.type), event),)
        return Outcome(entry_id, default_guard, rejected, subject=event.subject)
    except Exception as exc:  # noqa: BLE001 - a bug or an outage must not stop the stage: retry, then dead-letter
        subject = parent.subject if parent else None
        return Failure(entry_id, raw, subject, "error", f"{type(exc).__name__}: {exc}", False)
    guard = result.guard or Guard(names.done(stage.name), f"{stage.version}:{parent.id}", parent.id)
    return Outcome(
        entry_id,
        guard,
        tuple((names.output_stream(stage.name, e.type), e) for e in result.events),
        tuple((names.output_stream(stage.name, e.type), e) for e in result.otherwise),
        # Ingest's input names no article yet; its output does, and orders the article's commits.
        subject=parent.subject or next((e.subject for e in result.events if e.subject), None),
    )


def entry_payload(fields: Mapping[bytes, bytes]) -> bytes:
    """The event JSON of a stream entry: our ``event`` field, or the body of a FastStream-published entry."""
    raw = fields.get(_EVENT_KEY)
    if raw is not None:
        return raw
    packed = fields.get(_FASTSTREAM_KEY)
    if packed is not None:
        try:
            body, _headers = BinaryMessageFormatV1.parse(packed)
        except Exception:  # noqa: BLE001 - garbage in a FastStream-looking field is just garbage
            return packed
        return body
    return b""


def _fields_as_bytes(fields: Mapping[bytes, bytes]) -> bytes:
    return b"&".join(k + b"=" + v for k, v in fields.items())
