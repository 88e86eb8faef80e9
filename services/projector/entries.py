"""What the projector is fed: stream entries of the fact log, and their ordering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.envelope import Envelope, decode
from services.common.names import text
from services.common.rejection import Rejection
from services.common.stage import entry_payload

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


def to_entry(stream: str, entry_id: bytes | str, fields: Mapping[bytes, bytes]) -> LogEntry | Undecodable:
    """Decode one stream entry for the projector; undecodable entries are kept as such, not raised."""
    eid = text(entry_id)
    try:
        return LogEntry(stream, eid, decode(entry_payload(fields)))
    except Rejection as fault:
        return Undecodable(stream, eid, f"{fault.reason.value}: {fault.message}")
