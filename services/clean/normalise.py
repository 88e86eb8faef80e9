"""Text normalisation: Unicode NFC, invisible characters, whitespace and paragraphs."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# NFC, not NFKC: NFKC folds ellipses, fractions, superscripts and ligatures into ASCII
# look-alikes (… -> ..., ½ -> 1/2), changing what the publisher wrote.
_FORM: Final = "NFC"

# Invisible characters that only break words apart for search and counting.
# ZWNJ and ZWJ are kept on purpose: Persian, Indic scripts and emoji need them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u180e"), None)

# Every Unicode space separator (NBSP, narrow NBSP, em space, ...) becomes a plain space.
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))), " "
)

# Control characters other than newline and tab; C1 controls come from mis-decoded Windows text.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)], None)

_TABLE: dict[int, str | None] = {**_SPACES, **_INVISIBLE, **_CONTROLS, ord("\t"): " "}

_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028]")
_PARAGRAPH_BREAKS = re.compile(r"\u2029|\n[ \t]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
# Words are runs of letters or digits, joined by inner apostrophes or hyphens (don't, U.S.-India).
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-.][^\W_]+)*")


def normalise_paragraphs(raw: str) -> list[str]:
    """Split ``raw`` into normalised paragraphs, dropping empty ones.

    A blank line separates paragraphs; when the text has no blank line at all,
    every line break does, because feeds and extractors put one paragraph per line.
    """
    text = _LINE_BREAKS.sub("\n", raw)
    text = unicodedata.normalize(_FORM, text).translate(_TABLE)
    blocks = _PARAGRAPH_BREAKS.split(text)
    if len(blocks) == 1:
        blocks = text.split("\n")
    paragraphs = (_WHITESPACE.sub(" ", block).strip() for block in blocks)
    return [p for p in paragraphs if p]


def normalise_line(raw: str) -> str:
    """Normalise ``raw`` to a single line, e.g. for titles."""
    return " ".join(normalise_paragraphs(raw))


def count_words(text: str) -> int:
    """Count Unicode words in ``text``; scripts without spaces count per run of letters."""
    return sum(1 for _ in _WORD.finditer(text))
