"""Discarding a dead letter: recorded in the log, and what it held back set free.

A dead letter that no fix will ever make processable (a malformed event naming a real article)
would hold its article's later entries parked behind it for good. ``discard`` removes it,
appends an ``article.discarded`` event (to the rejected stream, beside the inputs set aside at
intake) and re-drives the entries parked behind it, in one atomic step (``discard.lua``).
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass

import orjson
from redis.asyncio import Redis

from services.common.deadletter import DeadLetter, list_dead
from services.common.envelope import Envelope, encode, make_event, new_id
from services.common.events.control import ArticleDiscardedV1
from services.common.names import TYPE_STREAM, Names
from services.common.scripts import lua

_DISCARD = lua("discard")


@dataclass(frozen=True, slots=True)
class Discarded:
    """What a discard did: the event it appended and how many parked entries it released."""

    event: Envelope
    released: int


def operator() -> str:
    """``user@host`` of whoever runs the command."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def discard_event(letter: DeadLetter, reason: str, by: str, version: str) -> Envelope:
    """The ``article.discarded`` event for ``letter``: caused by the discarded event when it is readable."""
    try:
        wire = orjson.loads(letter.event)
        original = wire if isinstance(wire, dict) else {}
    except orjson.JSONDecodeError:
        original = {}
    event_id = original.get("id") if isinstance(original.get("id"), str) else None
    correlation = original.get("correlationid")
    data = ArticleDiscardedV1(
        stage=letter.stage, dead_letter_id=letter.id, entry_id=letter.entry_id, event_id=event_id,
        failure=letter.reason, reason=reason, discarded_by=by,
    )  # fmt: skip
    return make_event(
        "article.discarded",
        data,
        source="newsfacts/dlq",
        stageversion=f"dlq/{version}",
        subject=letter.subject or None,
        correlationid=correlation if isinstance(correlation, str) else new_id(),
        causationid=event_id,
    )


async def discard(client: Redis, names: Names, key: str, reason: str, *, by: str, version: str) -> Discarded:
    """Discard the dead letter ``key`` (``STAGE/ID``); ``KeyError`` if there is none (any more)."""
    found = [d for d in await list_dead(client, names) if d.key == key]
    if not found:
        raise KeyError(key)
    letter = found[0]
    event = discard_event(letter, reason, by, version)
    keys = [
        names.input_stream(letter.stage), names.dlq(letter.stage), names.parked(letter.stage),
        names.stream(TYPE_STREAM[event.type]),
    ]  # fmt: skip
    released = int(await client.eval(_DISCARD, len(keys), *keys, letter.id, letter.subject, encode(event)))
    if released < 0:  # a retry or another discard took it meanwhile
        raise KeyError(key)
    return Discarded(event, released)
