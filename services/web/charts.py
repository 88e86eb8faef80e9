"""Bar charts as geometry for inline SVG, computed on the server (no script, no chart library)."""

from __future__ import annotations

import re
from dataclasses import dataclass

WIDTH, HEIGHT, AXIS, MARGIN = 640, 160, 20, 24
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its box, its label and value (for the tooltip) and whether its label is printed."""

    x: float
    y: float  # the label is centred under x + width / 2
    width: float
    height: float
    label: str
    value: int
    labelled: bool


def bars(points: list[tuple[str, int]], width: int = WIDTH, height: int = HEIGHT) -> list[Bar]:
    """Bars for (label, value) points, left to right, scaled to the largest value; a label every few bars."""
    if not points:
        return []
    top = max(v for _, v in points) or 1
    slot = (width - 2 * MARGIN) / len(points)
    every = max(1, round(len(points) / 8))
    plot = height - AXIS
    out = []
    for n, (label, value) in enumerate(points):
        h = plot * value / top
        x = MARGIN + n * slot + slot * 0.1
        out.append(Bar(x, plot - h, slot * 0.8, h, label, value, n % every == 0))
    return out


def months_between(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Monthly counts ('YYYY-MM', n) with the months between the first and last filled in with 0."""
    counts = sorted((k, v) for k, v in counts if _MONTH.fullmatch(k))
    if not counts:
        return []
    known = dict(counts)
    (y, m), (last_y, last_m) = (_ym(counts[0][0]), _ym(counts[-1][0]))
    out: list[tuple[str, int]] = []
    while (y, m) <= (last_y, last_m) and len(out) < 600:
        key = f"{y:04d}-{m:02d}"
        out.append((key, known.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _ym(month: str) -> tuple[int, int]:
    year, _, mon = month.partition("-")
    return int(year), int(mon)
