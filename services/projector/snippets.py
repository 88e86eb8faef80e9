"""Search snippets cut from a bounded window of an article's text, with the query's words marked.

FTS5's ``snippet()`` scores a window at every hit of the query in the column, against every
other hit: its work grows with the square of the hits, and one multi-megabyte article made
every matching search take minutes. Here the work per hit is bounded: the store hands over
only the first ``WINDOW`` characters of the text (``substr`` in the query), one regular
expression finds the first word that starts like a query term (the term less its last letter,
or its last three from seven letters on, standing in for FTS5's stemmer; a ``word*`` term's
prefix), and the snippet is the ``WORDS`` words around it. A match beyond the window still ranks
the article (the whole text is indexed); its snippet is then the text's opening.
"""

from __future__ import annotations

import re

from services.projector import fts

#: Characters at the start of an article's text that a snippet is cut from.
WINDOW = 65_536
#: Words in a snippet, as FTS5's ``snippet(..., 16)``.
WORDS = 16
_WORD = re.compile(r"[^\W_]+")
_LEAD = 4  # words shown before the first hit


def stems(query: str) -> list[str]:
    """What a word of the text must start with to count as a hit of a query term (casefolded)."""
    found = []
    for term in fts.terms(query):
        word, star = term.rstrip("*").strip('"').casefold(), term.endswith("*")
        found.append(word if star or len(word) <= 4 else word[: -1 if len(word) <= 6 else -3])
    return found


def snippet(text: str, query: str, mark: tuple[str, str] = ("[", "]"), words: int = WORDS) -> str:
    """About ``words`` words of ``text`` around its first hit of ``query``, hits between ``mark``."""
    window = text[:WINDOW]
    hit = _hits(stems(query))
    first = hit.search(window) if hit else None
    tokens = list(_WORD.finditer(window, max(0, first.start() - 200) if first else 0, _end(window, first)))
    if not tokens:
        return ""
    at = next((n for n, t in enumerate(tokens) if first and t.start() >= first.start()), 0)
    start = max(0, at - _LEAD) if first else 0
    chosen = tokens[start : start + words]
    begin, end = chosen[0].start(), chosen[-1].end()
    if _WORD.search(window, end) is None:  # the last words: keep the closing punctuation
        end = len(window.rstrip())
    part = window[begin:end]
    if hit:
        part = hit.sub(lambda m: f"{mark[0]}{m[0]}{mark[1]}", part)
    before = "…" if begin > 0 and (start > 0 or tokens[0].start() > 0) else ""
    after = "…" if end < len(window.rstrip()) or len(text) > WINDOW else ""
    return f"{before}{part}{after}"


def _hits(prefixes: list[str]) -> re.Pattern[str] | None:
    if not prefixes:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(set(prefixes), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _end(window: str, first: re.Match[str] | None) -> int:
    """Where the words of the snippet can end: a few hundred characters past the hit (or the start)."""
    return min(len(window), (first.end() if first else 0) + 400)
