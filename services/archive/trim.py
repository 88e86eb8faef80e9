"""How far the hot tier of one partition may be trimmed: a pure rule over what still needs it.

An entry of stream ``s`` may leave Redis only when all of these hold:

1. it is in the archive (its segment is in the manifest, read back and verified);
2. it is older than the retention (``NEWSFACTS_RETENTION``);
3. it is older than the order window (``committer.ORDER_TTL_S``, a day): a commit re-reads the
   outputs an article's order key names (``commit.lua``'s order reassertion) while the key lives;
4. it is older than the **low-water mark** of its partition: the oldest entry that any consumer
   group of any stream of the partition still needs (its oldest pending entry, or the first entry
   after its last-delivered id unless it has read the whole stream);
5. every live projector has folded it (its position in that stream is at or past it).

Rule 4 is partition-wide, not per stream, because a late commit of an old entry re-reads outputs
appended after it in other streams; those outputs are newer than the old entry, so keeping
everything newer than the oldest unfinished entry keeps them. Entry ids are milliseconds first,
so ids of different streams compare as times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.projector.entries import EntryKey, entry_key, format_key


@dataclass(frozen=True, slots=True)
class GroupState:
    """A consumer group on one stream: its last-delivered id, its oldest pending entry (if any), and
    whether it has read everything the stream holds (then it needs none of it)."""

    stream: str
    group: str
    last_delivered: str
    oldest_pending: str | None
    caught_up: bool = False


def after(entry_id: str) -> EntryKey:
    """The smallest entry id greater than ``entry_id``."""
    ms, seq = entry_key(entry_id)
    return ms, seq + 1


def low_water(groups: Iterable[GroupState], keep_from_ms: int | None) -> EntryKey | None:
    """The first entry id of the partition that must stay hot (None: nothing constrains it): what
    the groups still need (rule 4), and what is younger than ``keep_from_ms`` (rules 2 and 3)."""
    found = held_by(groups, keep_from_ms)
    return found[0] if found else None


def held_by(groups: Iterable[GroupState], keep_from_ms: int | None) -> tuple[EntryKey, str] | None:
    """The low-water mark and what sets it, in words (for ``archive --status``)."""
    needed: list[tuple[EntryKey, str]] = []
    for g in groups:
        if not g.caught_up:
            needed.append((after(g.last_delivered), f"group {g.group} on {g.stream} has not read past it"))
        if g.oldest_pending is not None:
            needed.append((entry_key(g.oldest_pending), f"group {g.group} on {g.stream} has it pending"))
    if keep_from_ms is not None:
        needed.append(((keep_from_ms, 0), "retention / order window"))
    return min(needed) if needed else None


def trim_to(archived_until: str, mark: EntryKey | None, projected: Iterable[str] = ()) -> str | None:
    """``XTRIM MINID`` for a stream archived up to ``archived_until`` (rule 1), under the partition's
    low-water ``mark`` and the live projectors' positions in this stream (rule 5): entries before
    it go; None when nothing may go."""
    if archived_until == "0-0":
        return None
    limits = [after(archived_until), *(after(p) for p in projected)]
    if mark is not None:
        limits.append(mark)
    limit = min(limits)
    return None if limit <= (0, 1) else format_key(limit)
