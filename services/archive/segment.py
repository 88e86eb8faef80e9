"""One archived segment: a run of consecutive entries of one log stream, as a Parquet table.

A row is one stream entry. ``event`` holds the entry's event JSON byte for byte (the envelope as
the stages wrote it), so a replay from the archive decodes exactly what it would have read from
Redis; an entry with other fields (a raw ``XADD`` that ingest rejected, say) keeps all of them in
``fields``. The envelope attributes are columns of their own (read from the JSON, null where it
has none) so that the archive can be queried with any Parquet tool without parsing the payload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pyarrow as pa

from services.common.names import EVENT_FIELD

#: Envelope attributes kept as columns, in this order.
ATTRIBUTES: tuple[str, ...] = (
    "id", "type", "source", "subject", "time", "dataschema", "correlationid", "causationid",
    "stageversion",
)  # fmt: skip

SCHEMA = pa.schema(
    [
        pa.field("entry_id", pa.string(), nullable=False),
        pa.field("ms", pa.int64(), nullable=False),
        pa.field("seq", pa.int64(), nullable=False),
        *(pa.field(name, pa.string()) for name in ATTRIBUTES),
        pa.field("event", pa.binary()),
        pa.field("fields", pa.list_(pa.struct([("name", pa.binary()), ("value", pa.binary())]))),
    ]
)

#: An XRANGE row as redis-py returns it with ``decode_responses=False``.
Row = tuple[bytes, dict[bytes, bytes]]
_EVENT = EVENT_FIELD.encode()


@dataclass(frozen=True, slots=True)
class Summary:
    """What a segment holds: its first and last entry ids, how many, and their digest."""

    first: str
    last: str
    count: int
    sha256: str
    first_ms: int


def summarise(rows: Sequence[Row]) -> Summary:
    """The summary of ``rows`` (consecutive entries of one stream, oldest first)."""
    if not rows:
        raise ValueError("a segment holds at least one entry")
    first, last = rows[0][0].decode(), rows[-1][0].decode()
    return Summary(first, last, len(rows), digest(rows), int(first.partition("-")[0]))


def digest(rows: Iterable[Row]) -> str:
    """sha256 over every entry id and field, in order: equal exactly when the entries are."""
    h = hashlib.sha256()
    for entry_id, fields in rows:
        h.update(entry_id)
        h.update(b"\x00")
        for name, value in fields.items():
            h.update(len(name).to_bytes(4, "big") + name + len(value).to_bytes(8, "big") + value)
        h.update(b"\x01")
    return h.hexdigest()


def to_table(rows: Sequence[Row]) -> pa.Table:
    """The Parquet table of ``rows``."""
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    for entry_id, fields in rows:
        eid = entry_id.decode()
        ms, _, seq = eid.partition("-")
        columns["entry_id"].append(eid)
        columns["ms"].append(int(ms))
        columns["seq"].append(int(seq))
        only_event = len(fields) == 1 and _EVENT in fields
        payload = fields.get(_EVENT) if only_event else None
        columns["event"].append(payload)
        columns["fields"].append(None if only_event else [{"name": k, "value": v} for k, v in fields.items()])
        envelope = _envelope(payload)
        for name in ATTRIBUTES:
            value = envelope.get(name)
            columns[name].append(value if isinstance(value, str) else None)
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def from_table(table: pa.Table) -> list[Row]:
    """The rows of a segment's table, as XRANGE would have returned them."""
    ids = table.column("entry_id").to_pylist()
    events = table.column("event").to_pylist()
    others = table.column("fields").to_pylist() if table.column("fields").null_count < len(ids) else None
    rows: list[Row] = []
    for n, (eid, payload) in enumerate(zip(ids, events, strict=True)):
        if payload is not None or others is None or others[n] is None:
            rows.append((eid.encode(), {_EVENT: payload or b""}))
        else:
            rows.append((eid.encode(), {f["name"]: f["value"] for f in others[n]}))
    return rows


def _envelope(payload: bytes | None) -> dict[str, Any]:
    if payload is None:
        return {}
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
