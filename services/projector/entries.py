"""What the projector is fed: stream entries of the fact log, and their ordering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.envelope import Envelope, decode
from services.common.names import STAGE_INPUT, Names, text
from services.common.rejection import Rejection
from services.common.stage import entry_payload
from services.ingest.stage import bare_article

#: A Redis stream entry id as integers, ``'1700000000000-3'`` -> ``(1700000000000, 3)``.
EntryKey = tuple[int, int]

ZERO: EntryKey = (0, 0)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One decoded entry of a log stream: ``stream`` is the short name, e.g. ``'cleaned'``."""

    stream: str
    entry_id: str
    event: Envelope


@dataclass(frozen=True, slots=True)
class Undecodable:
    """An entry whose event could not be decoded; the projector records it and moves past it."""

    stream: str
    entry_id: str
    reason: str


def entry_key(entry_id: str) -> EntryKey:
    """Parse a stream entry id; Redis ids compare as (ms, seq) numbers, never as strings."""
    ms, _, seq = entry_id.partition("-")
    if not (ms.isdigit() and seq.isdigit()):
        raise ValueError(f"not a stream entry id: {entry_id!r}")
    return int(ms), int(seq)


def format_key(key: EntryKey) -> str:
    """The entry id text of ``key``."""
    return f"{key[0]}-{key[1]}"


def to_entry(
    stream: str, entry_id: bytes | str, fields: Mapping[bytes, bytes], *, names: Names
) -> LogEntry | Undecodable:
    """Decode one stream entry for the projector; undecodable entries are kept as such, not raised.

    A bare article JSON on the submitted stream is read as the submission ingest makes of it
    (same id, correlation and time), so it is counted and lineage finds it.
    """
    eid = text(entry_id)
    payload = entry_payload(fields)
    try:
        return LogEntry(stream, eid, decode(payload))
    except Rejection as fault:
        if stream == STAGE_INPUT["ingest"] and (bare := bare_article(payload, eid, names)) is not None:
            return LogEntry(stream, eid, bare)
        return Undecodable(stream, eid, f"{fault.reason.value}: {fault.message}")
