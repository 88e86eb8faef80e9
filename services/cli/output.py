"""Printing results: JSON for scripts (``--json``), short readable text for people."""

from __future__ import annotations

import sys
from typing import Any

import orjson

#: C0 controls but newline and tab, DEL and C1 controls -> a visible stand-in: text from the log never
#: moves the cursor, clears the screen or rings the bell (ESC is shown as U+241B, the others as U+FFFD).
_CONTROLS = {c: "\ufffd" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0D, 0x20), *range(0x7F, 0xA0)]}
_CONTROLS[0x1B] = "\u241b"


def printable(text: str) -> str:
    """``text`` with every control sequence character made visible, safe to print on a terminal."""
    return text.translate(_CONTROLS)


def say(text: str) -> None:
    """Print text made of what the log holds (titles, sources, entity names), never raw control codes."""
    print(printable(text))


def emit_json(value: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")
    sys.stdout.flush()


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain aligned text table."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def fail(message: str, code: int = 2) -> int:
    print(f"newsfacts: {message}", file=sys.stderr)
    return code
