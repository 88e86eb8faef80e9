"""Query parameters the API and the pages share: validated once, with a clear message when wrong."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Query

from services.projector import fts
from services.projector.facets import SearchFilter

MAX_OFFSET = 10_000
_CURSOR = re.compile(r"o(\d{1,5})")

SearchText = Annotated[str, Query(min_length=1, max_length=500, description="words to find (any text)")]
Topic = Annotated[str | None, Query(max_length=200, description="IPTC code or label")]
Entity = Annotated[str | None, Query(max_length=200, description="entity id or canonical name")]
Since = Annotated[date | None, Query(description="published on or after (YYYY-MM-DD)")]
Until = Annotated[date | None, Query(description="published on or before (YYYY-MM-DD)")]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=64, description="next_cursor of the previous page")]


def search_filter(
    topic: str | None, entity: str | None, since: date | None, until: date | None
) -> SearchFilter:
    """The filter, or 400 when the dates are the wrong way round."""
    if since and until and since > until:
        raise HTTPException(400, f"since ({since}) is after until ({until})")
    return SearchFilter(
        topic or None,
        entity or None,
        since.isoformat() if since else None,
        until.isoformat() if until else None,
    )


def searchable(q: str) -> str:
    """The query when it has a word to search for; 400 otherwise (it is all punctuation or operators)."""
    if not fts.terms(q):
        raise HTTPException(400, f"the query {q!r} has no words to search for (letters or digits)")
    return q


def offset_of(cursor: str | None) -> int:
    """Where a page starts; 400 for a cursor this server did not make."""
    if not cursor:
        return 0
    try:
        found = _CURSOR.fullmatch(base64.urlsafe_b64decode(cursor.encode() + b"==").decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        found = None
    if found is None or int(found[1]) > MAX_OFFSET:
        raise HTTPException(400, "cursor: not a cursor from a previous page (use its next_cursor)")
    return int(found[1])


def cursor_for(offset: int) -> str | None:
    """The cursor of the page starting at ``offset`` (None past the deepest page served)."""
    return (
        base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=") if offset <= MAX_OFFSET else None
    )
