"""Atomic append-and-acknowledge: the step that makes facts effectively-once.

Each input entry is committed by one Lua script run (``commit.lua``) that checks
an idempotency guard, appends the outputs and acknowledges the input, so a crash
can never leave outputs appended but the input unacknowledged (or the reverse),
and a redelivered input appends nothing. One batch is one pipelined round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from services.common.envelope import Envelope, encode, now_rfc3339
from services.common.names import Names, text
from services.common.scripts import lua

_SCRIPT = lua("commit")
STATUS = {1: "new", 0: "already_done", 2: "duplicate", 3: "parked", 4: "reasserted"}
#: How long a stage remembers an article's last commit, to put a late commit of an older entry
#: back in order (commit.lua). Concurrent consumers and reclaims settle within minutes.
ORDER_TTL_S = 86_400


@dataclass(frozen=True, slots=True)
class Guard:
    """Idempotency guard: ``field`` in hash ``key`` remembers ``token`` once committed."""

    key: str
    field: str
    token: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to commit for one input entry; ``subject`` lets the commit hold it behind a dead letter."""

    entry_id: bytes | str
    guard: Guard
    events: tuple[tuple[str, Envelope], ...] = ()
    otherwise: tuple[tuple[str, Envelope], ...] = field(default=())
    subject: str | None = None


class Committer:
    """Commits outcomes for one stage's input stream and consumer group."""

    def __init__(self, client: Redis, names: Names, stage: str) -> None:
        self._client = client
        self._script = client.register_script(_SCRIPT)
        self._stage = stage
        self._names = names
        self._group = names.group(stage)
        self._keys = [names.input_stream(stage), names.parked(stage), names.dlq(stage)]

    async def commit(self, outcomes: list[Outcome]) -> list[str]:
        """Commit every outcome in one pipelined round trip; the status of each, in order.

        The script runs by its hash (``EVALSHA``). A server that does not know it yet (first use,
        or restarted) refuses every call of the pipeline with NOSCRIPT; the script is then loaded
        and the batch sent again, which is safe because each commit is guarded. (A ``Script``
        object in a pipeline would instead ask ``SCRIPT EXISTS`` first: a second round trip on
        every batch.)
        """
        if not outcomes:
            return []
        calls = [self._arguments(outcome) for outcome in outcomes]
        try:
            results = await self._send(calls)
        except NoScriptError:
            await self._client.script_load(_SCRIPT)
            results = await self._send(calls)
        return [STATUS[int(r)] for r in results]

    async def _send(self, calls: list[tuple[list[str], list[Any]]]) -> list[Any]:
        async with self._client.pipeline(transaction=False) as pipe:
            for keys, args in calls:
                pipe.evalsha(self._script.sha, len(keys), *keys, *args)
            return await pipe.execute()

    def _arguments(self, outcome: Outcome) -> tuple[list[str], list[Any]]:
        streams: list[str] = []
        pairs: list[Any] = []
        for stream, event in (*outcome.events, *outcome.otherwise):
            if stream not in streams:
                streams.append(stream)
            pairs += [streams.index(stream) + 1, encode(event)]
        entry = text(outcome.entry_id)
        guard = outcome.guard
        subject = outcome.subject or ""
        args: list[Any] = [self._group, entry, guard.field, guard.token, subject, self._stage, now_rfc3339()]
        args += [ORDER_TTL_S, len(outcome.events), *pairs]
        input_stream, parked, dlq = self._keys
        order = self._names.order(self._stage, subject)
        return [input_stream, guard.key, parked, dlq, order, *streams], args
