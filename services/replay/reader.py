"""A rebuild's reader: a process of its own reads and folds the log while this one writes the store.

Decoding (orjson, pydantic) and the fold's Python cost about as much as SQLite's writes, so on two
cores the halves overlap. The reader is forked (no interpreter start-up, nothing imported again)
and has a blocking client of its own. It sends each folded batch (plain rows, no events) down a
pipe that holds one batch at most, so memory is that of a few batches however long the log is.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any

import redis

from services.archive.store import Archive
from services.archive.tiers import archived_batches, check_seam
from services.common.names import LOG_STREAMS, Names
from services.projector.entries import entry_key, to_entry
from services.projector.fold import Folded, fold


class ReaderFailed(RuntimeError):
    """The reader process stopped on an error (the server went away, a bug): its message."""


def read_batches(
    client: redis.Redis, names: Names, after: Mapping[str, str], until: str, batch: int,
    archive: Archive | None = None,
) -> Iterator[tuple[str, list[Any]]]:  # fmt: skip
    """(stream short name, XRANGE rows) of every stream past ``after`` up to ``until``: first what
    the archive holds (``tiers.py``), then the hot streams, one pipelined round trip per turn over
    the streams that still have entries (as ``log.read_log``, blocking)."""
    cursors = {short: after.get(short, "0-0") for short in LOG_STREAMS}
    yield from archived_batches(archive, 0, cursors, until, batch)
    check_seam(names, client.hgetall(names.trimmed()), cursors, until)
    while cursors:
        pipe = client.pipeline(transaction=False)
        for short, cursor in cursors.items():
            pipe.xrange(names.stream(short), min=f"({cursor}", max=until, count=batch)
        replies = pipe.execute()
        for short, rows in zip(list(cursors), replies, strict=True):
            if len(rows) < batch:
                del cursors[short]
            else:
                cursors[short] = rows[-1][0].decode()
            if rows:
                yield short, rows


def _read(
    pipe: Connection, url: str, names: Names, after: dict[str, str], until: str, batch: int,
    archive: Archive | None,
) -> None:  # fmt: skip
    gc.disable()  # batches are acyclic: reference counting frees them
    client = redis.Redis.from_url(url, decode_responses=False, socket_connect_timeout=5)
    positions = {short: entry_key(at) for short, at in after.items()}
    try:
        archive = archive.reopened() if archive is not None else None
        for short, rows in read_batches(client, names, after, until, batch, archive):
            folded = fold((to_entry(short, eid, fields, names=names) for eid, fields in rows), positions)
            positions.update(folded.advanced)
            pipe.send(("batch", folded))
        pipe.send(("done", None))
    except Exception as exc:  # noqa: BLE001 - whatever stops the reader is reported by the writer
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        client.close()
        pipe.close()


def folded_log(
    url: str, names: Names, after: dict[str, str], until: str, batch: int, archive: Archive | None = None
) -> Iterator[Folded]:
    """Folded batches of every stream past ``after`` up to ``until`` (archive, then hot tier), read
    and folded in a child process."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    args = (send, url, names, after, until, batch, archive)
    reader = context.Process(target=_read, args=args, name="newsfacts-replay-reader", daemon=True)
    reader.start()
    send.close()
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                reader.join(5)
                raise ReaderFailed(f"the replay reader stopped (exit code {reader.exitcode})") from None
            if kind == "done":
                return
            if kind == "error":
                raise ReaderFailed(payload)
            yield payload
    finally:
        receive.close()
        if reader.is_alive():
            reader.terminate()
        reader.join(5)
