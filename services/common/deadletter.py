"""Dead letters: entries a stage cannot process, parked out of the way with their story.

An entry lands here when its stage fails on it ``max_deliveries`` times (a bug, a
dependency down) or at once when the fault is permanent (an internal stream
carrying an event this code cannot read). From an entry's first failure its
article is *held* (``hold.lua``): later entries of the same article at that stage
are parked here instead of overtaking it. If the entry then succeeds, its commit
releases the article and re-drives them; if it dies, ``retry`` re-drives them all,
in order, once the cause is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from services.common.envelope import now_rfc3339
from services.common.names import STAGES, Names, text
from services.common.scripts import lua

_BURY = lua("deadletter")
_RETRY = lua("retry")
_HOLD = lua("hold")


@dataclass(frozen=True, slots=True)
class Failure:
    """An entry the stage could not turn into an outcome."""

    entry_id: bytes | str
    raw: bytes
    subject: str | None
    reason: str
    error: str
    permanent: bool


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One entry of a dead-letter stream."""

    stage: str
    id: str
    status: str
    reason: str
    error: str
    attempts: int
    time: str
    entry_id: str
    subject: str
    event: bytes

    @property
    def key(self) -> str:
        """What the CLI calls it: ``STAGE/ENTRY-ID``."""
        return f"{self.stage}/{self.id}"

    def to_dict(self, *, with_event: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__slots__ if k != "event"}
        out["key"] = self.key
        if with_event:
            out["event"] = self.event.decode("utf-8", errors="replace")
        return out


class DeadLetterQueue:
    """The dead-letter side of one stage's consumer group."""

    def __init__(self, client: Redis, names: Names, stage: str, group: str) -> None:
        self._client = client
        self._stage = stage
        self._group = group
        self._keys = [names.input_stream(stage), names.dlq(stage), names.parked(stage)]
        self._bury = client.register_script(_BURY)
        self._hold = client.register_script(_HOLD)

    async def deliveries(self, entry_ids: Iterable[bytes | str]) -> dict[str, int]:
        """How many times each pending entry has been delivered (1 when not found)."""
        ids = [text(e) for e in entry_ids if e]
        async with self._client.pipeline(transaction=False) as pipe:
            for eid in ids:
                pipe.xpending_range(self._keys[0], self._group, min=eid, max=eid, count=1)
            found = await pipe.execute()
        return {
            eid: int(rows[0]["times_delivered"]) if rows else 1 for eid, rows in zip(ids, found, strict=True)
        }

    async def defer(self, failures: list[Failure], deliveries: int) -> None:
        """Leave failures pending with their delivery count set to ``deliveries`` (their dead-lettering
        was refused: the server is out of memory), so the count never passes the limit meanwhile."""
        for f in failures:
            eid = text(f.entry_id)
            rows = await self._client.xpending_range(self._keys[0], self._group, min=eid, max=eid, count=1)
            if rows:
                owner: Any = rows[0]["consumer"]
                await self._client.xclaim(
                    self._keys[0], self._group, owner, 0, [eid], retrycount=deliveries, justid=True
                )

    async def hold(self, failures: list[Failure]) -> None:
        """Hold each failing entry's article so its later entries wait behind it while it is retried."""
        for f in failures:
            if f.subject and f.entry_id:
                await self._hold(
                    keys=[self._keys[0], self._keys[2]], args=[self._group, text(f.entry_id), f.subject]
                )

    async def bury(self, failures: list[Failure], attempts: dict[str, int]) -> None:
        """Dead-letter each failure (parking its subject) and acknowledge it."""
        for f in failures:
            tries = attempts.get(text(f.entry_id), 1)
            await self._move(f.entry_id, f.subject, "dead", f.reason, f.error, tries, f.raw)

    async def _move(
        self,
        entry_id: bytes | str,
        subject: str | None,
        status: str,
        reason: str,
        error: str,
        tries: int,
        raw: bytes,
    ) -> None:
        fields: dict[str, str | int | bytes] = {
            "stage": self._stage, "status": status, "reason": reason, "error": error[:4000],
            "attempts": tries, "time": now_rfc3339(), "entry_id": text(entry_id), "subject": subject or "",
            "event": raw,
        }  # fmt: skip
        flat = [x for kv in fields.items() for x in kv]
        args: list[str | int | bytes] = [self._group, text(entry_id), subject or "", status, *flat]
        await self._bury(keys=self._keys, args=args)


async def list_dead(client: Redis, names: Names, stage: str | None = None) -> list[DeadLetter]:
    """Every dead letter, per stage in pipeline order, oldest first."""
    out: list[DeadLetter] = []
    for name in [stage] if stage else STAGES:
        rows: Any = await client.xrange(names.dlq(name))
        out.extend(_letter(name, entry_id, fields) for entry_id, fields in rows)
    return out


async def retry(client: Redis, names: Names, key: str | None) -> int:
    """Re-drive one dead letter and what is parked behind it (``key``), or all (None); count moved entries."""
    letters = await list_dead(client, names)
    if key is not None:
        matching = [d for d in letters if d.key == key]
        if not matching:
            raise KeyError(key)
        target = matching[0]
        letters = [d for d in letters if d.stage == target.stage and _same_group(d, target)]
    script = client.register_script(_RETRY)
    moved = 0
    for stage, subject, group in _by_subject(letters):
        keys = [names.input_stream(stage), names.dlq(stage), names.parked(stage)]
        args: list[Any] = [subject, *(d.id for d in group)]
        moved += int(await script(keys=keys, args=args))
    return moved


def _same_group(d: DeadLetter, target: DeadLetter) -> bool:
    return d.id == target.id if not target.subject else d.subject == target.subject


def _by_subject(letters: list[DeadLetter]) -> list[tuple[str, str, list[DeadLetter]]]:
    """(stage, subject, letters oldest first) per article; letters without a subject each stand alone."""
    groups: dict[tuple[str, str], list[DeadLetter]] = {}
    for d in letters:
        groups.setdefault((d.stage, d.subject or f"\0{d.id}"), []).append(d)
    return [(stage, "" if key.startswith("\0") else key, group) for (stage, key), group in groups.items()]


def _letter(stage: str, entry_id: bytes, fields: dict[bytes, bytes]) -> DeadLetter:
    def get(name: str) -> str:
        return fields.get(name.encode(), b"").decode("utf-8", errors="replace")

    return DeadLetter(
        stage=stage, id=text(entry_id), status=get("status"), reason=get("reason"), error=get("error"),
        attempts=int(get("attempts") or 0), time=get("time"), entry_id=get("entry_id"),
        subject=get("subject"), event=fields.get(b"event", b""),
    )  # fmt: skip
