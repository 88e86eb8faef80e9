"""One mention of an entity in the title or the text, as the entity finders pass it around."""

from __future__ import annotations

from dataclasses import dataclass

from services.enrich.gazetteer import Known


@dataclass(frozen=True)
class Mention:
    """A span resolved to an entity; offsets are in the title or the text, as in_text says."""

    start: int
    end: int
    surface: str
    known: Known
    in_text: bool
    rank: int  # which finder wins a tie: 0 gazetteer, 1 pattern, 2 back-reference, 3 learned
