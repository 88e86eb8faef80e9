"""Upcasters: pure functions that carry an event's data from version N to N+1.

``read_data`` runs them step by step, so a v1 event in an old log is read as the
current model and no reader ever branches on versions. Each takes the data as
written (already valid for its version) and returns a new dict; none edits its
argument or does I/O. ``schemas/README.md`` tells how to add one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

#: An event's ``data`` as JSON, the form upcasters read and write.
Data = dict[str, Any]
Upcaster = Callable[[Data], Data]


class MissingUpcaster(LookupError):
    """An older version with no upcaster for one of its steps: a gap in ``UPCASTERS``, a bug, not bad data."""


def upcast(event_type: str, data: Data, version: int, to: int) -> Data:
    """``data`` of ``event_type`` carried from ``version`` up to ``to``, one step at a time."""
    for step in range(version, to):
        upcaster = UPCASTERS.get((event_type, step))
        if upcaster is None:
            raise MissingUpcaster(
                f"cannot read {event_type} v{version}: no upcaster from v{step} to v{step + 1} in UPCASTERS"
            )
        data = upcaster(data)
    return data


def gaps(
    registry: Mapping[tuple[str, int], type[BaseModel]], upcasters: Mapping[tuple[str, int], Upcaster]
) -> list[str]:
    """What keeps some old version from being read: every type needs models for versions 1..current
    and an upcaster from each version below current, and no upcaster may start anywhere else."""
    current: dict[str, int] = {}
    for event_type, version in registry:
        current[event_type] = max(version, current.get(event_type, 0))
    problems = []
    for event_type, newest in sorted(current.items()):
        for version in range(1, newest + 1):
            if (event_type, version) not in registry:
                problems.append(f"{event_type} v{version}: no model in REGISTRY")
            if version < newest and (event_type, version) not in upcasters:
                problems.append(f"{event_type} v{version}: no upcaster to v{version + 1} in UPCASTERS")
    for event_type, version in sorted(upcasters):
        if not 1 <= version < current.get(event_type, 0):
            problems.append(f"{event_type} v{version}: upcaster with no model to upcast to")
    return problems


def classified_v1_to_v2(data: Data) -> Data:
    """article.classified v1 -> v2: each topic gains ``evidence``; v1 recorded none, so it is empty."""
    return {**data, "topics": [{**topic, "evidence": []} for topic in data["topics"]]}


def indexed_v1_to_v2(data: Data) -> Data:
    """article.indexed v1 -> v2: the document gains ``minhash``; v1 computed none, so it is empty."""
    return {**data, "document": {**data["document"], "minhash": []}}


def enriched_v1_to_v2(data: Data) -> Data:
    """article.enriched v1 -> v2: each entity gains ``tone``; v1 measured none, so it is null."""
    return {**data, "entities": [{**entity, "tone": None} for entity in data["entities"]]}


def enriched_v2_to_v3(data: Data) -> Data:
    """article.enriched v2 -> v3: gains ``entities_method``; v2 always ran the English rules."""
    return {**data, "entities_method": ENRICHED_V2_METHOD}


#: What v2 did, in v3's words: gazetteer and patterns on every article, whatever its language.
ENRICHED_V2_METHOD = "gazetteer and patterns (written before v3 recorded a method)"


#: (event type, from version) -> the function that makes that data version from + 1. Pure, no I/O.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("article.classified", 1): classified_v1_to_v2,
    ("article.indexed", 1): indexed_v1_to_v2,
    ("article.enriched", 1): enriched_v1_to_v2,
    ("article.enriched", 2): enriched_v2_to_v3,
}
