"""One compiled regex over many aliases, shaped as a prefix tree so that matching stays fast."""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""

# A match may not start inside a word, a handle or a hashtag, nor end inside a word or before a
# currency sign ('US$', 'HK$' are money, not places).
_BEFORE = r"(?<![\w@#])"
_AFTER = r"(?![\w$])"


def _tree(words: Iterable[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return root


def _regex(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [re.escape(char) + _regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    # Greedy '?' tries the longer alias first and backtracks to the shorter one.
    return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"


def alternation(words: Iterable[str]) -> re.Pattern[str]:
    """Compile a pattern matching any of the words, longest first, on word boundaries."""
    return re.compile(_BEFORE + "(?:" + _regex(_tree(words)) + ")" + _AFTER)
