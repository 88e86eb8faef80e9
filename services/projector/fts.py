"""User search text to a safe FTS5 query: every term quoted, so no input is FTS5 syntax.

Quotes, ``AND``/``OR``/``NEAR``, ``:``, ``^``, parentheses and the like become
plain words or are dropped; a ``*`` right after a word keeps its meaning as a
prefix search.
"""

from __future__ import annotations

import re

MAX_TERMS = 32
_TERM = re.compile(r"([^\W_]+)(\*?)")


def terms(query: str) -> list[str]:
    """The quoted FTS5 terms of ``query`` (at most ``MAX_TERMS``)."""
    return [f'"{word}"{star}' for word, star in _TERM.findall(query)][:MAX_TERMS]


def match_all(query: str) -> str | None:
    """An FTS5 expression matching documents with every term, or None when there is no term."""
    found = terms(query)
    return " ".join(found) if found else None


def match_any(query: str) -> str | None:
    """An FTS5 expression matching documents with any term, or None when there is no term."""
    found = terms(query)
    return " OR ".join(found) if found else None
