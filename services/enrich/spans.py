"""Which of the overlapping mentions an article keeps, and how the kept ones become entities."""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.common.events.facts import Entity
from services.enrich.mention import Mention

# What may stand between two names of a list: a comma, 'and', or both.
_LIST_GAP = re.compile(r",?\s+(?:and|&)\s+|,\s+")


def listed(text: str, weak: list[Mention], chosen: list[Mention], taken: bytearray) -> list[Mention]:
    """'Phoebe Bridgers, Julien Baker and Lucy Dacus': a name listed next to a person is one too."""
    people = [m for m in chosen if m.in_text and m.known.type == "person"]
    added: list[Mention] = []
    pending = [m for m in weak if not any(taken[m.start : m.end])]
    while pending:
        spans = [(m.start, m.end) for m in people + added]
        hits = [m for m in pending if any(_LIST_GAP.fullmatch(text, *_between(m, s)) for s in spans)]
        if not hits:
            break
        for mention in hits:
            taken[mention.start : mention.end] = b"\1" * (mention.end - mention.start)
        added += hits
        pending = [m for m in pending if m not in hits]
    return added


def _between(mention: Mention, span: tuple[int, int]) -> tuple[int, int]:
    return (span[1], mention.start) if span[1] <= mention.start else (mention.end, span[0])


def select(mentions: Iterable[Mention], taken: dict[bool, bytearray]) -> list[Mention]:
    """Keep the longest of overlapping mentions; on equal length the gazetteer wins."""
    chosen = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.rank, m.start)):
        occupied = taken[mention.in_text]
        if not any(occupied[mention.start : mention.end]):
            occupied[mention.start : mention.end] = b"\1" * (mention.end - mention.start)
            chosen.append(mention)
    return chosen


def aggregate(mentions: list[Mention]) -> list[Entity]:
    by_id: dict[str, list[Mention]] = {}
    for mention in sorted(mentions, key=lambda m: (m.in_text, m.start)):  # title first, then text
        by_id.setdefault(mention.known.id, []).append(mention)
    entities = []
    for group in by_id.values():
        offsets = [m.start for m in group if m.in_text]
        entities.append(
            Entity(
                id=group[0].known.id,
                name=group[0].known.name,
                type=group[0].known.type,
                mentions=len(group),
                surface_forms=list(dict.fromkeys(m.surface for m in group)),
                first_offset=offsets[0] if offsets else 0,
            )
        )
    in_text = {m.known.id for m in mentions if m.in_text}
    return sorted(entities, key=lambda e: (e.id not in in_text, e.first_offset))
