"""Batch sizes, read from the workers' debug log lines ('batch committed', 'batch projected')."""

from __future__ import annotations

from pathlib import Path

import orjson

_EVENTS = frozenset({"batch committed", "batch projected"})


def log_size(path: Path) -> int:
    """Bytes in a log so far: where lines written from now on begin."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def batch_sizes(path: Path, offset: int = 0) -> list[int]:
    """The size of every batch a worker logged after byte ``offset`` of its log."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except OSError:
        return []
    sizes = []
    for line in data.splitlines():
        if not line.startswith(b"{"):
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:  # a line cut off mid-write
            continue
        if isinstance(record, dict) and record.get("event") in _EVENTS and record.get("size"):
            sizes.append(int(record["size"]))
    return sizes
