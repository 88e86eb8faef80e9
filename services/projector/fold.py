"""Folding a batch of log entries into a ``Work``, skipping what the store has applied already.

Pure: no connection. The store folds and writes in one go (``apply_batch``); a rebuild folds in
a process of its own and hands the store the folded work (``apply_work``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.projector.apply import apply_entry
from services.projector.entries import ZERO, EntryKey, LogEntry, Undecodable, entry_key
from services.projector.work import Work


@dataclass
class Folded:
    """A folded batch: its work, the new position of each stream it advanced, how many entries."""

    work: Work = field(default_factory=Work)
    advanced: dict[str, EntryKey] = field(default_factory=dict)
    entries: int = 0


def fold(entries: Iterable[LogEntry | Undecodable], positions: Mapping[str, EntryKey]) -> Folded:
    """Apply the entries past each stream's position in ``positions`` to a fresh ``Work``."""
    folded = Folded()
    at = dict(positions)
    for entry in entries:
        key = entry_key(entry.entry_id)
        if key <= at.get(entry.stream, ZERO):
            continue
        at[entry.stream] = folded.advanced[entry.stream] = key
        apply_entry(folded.work, entry)
        folded.entries += 1
    return folded
