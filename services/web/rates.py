"""Recent rates from successive counts: each pipeline read records its counters, a rate compares two."""

from __future__ import annotations

from collections import deque

#: Rates compare the newest counts with the oldest kept within this many seconds.
WINDOW_S = 60.0


class RateTracker:
    """Counters sampled over time (stream lengths, entries a group has finished), as rates per second."""

    def __init__(self, window_s: float = WINDOW_S) -> None:
        self._window = window_s
        self._samples: deque[tuple[float, dict[str, int]]] = deque()

    def record(self, at_s: float, counts: dict[str, int]) -> dict[str, float | None]:
        """Keep ``counts`` taken at ``at_s``; per counter, its rate since the oldest sample in the window.

        None for a counter with no earlier sample (the first read, or a counter that just appeared).
        """
        while self._samples and at_s - self._samples[0][0] > self._window:
            self._samples.popleft()
        rates: dict[str, float | None] = dict.fromkeys(counts)
        if self._samples:
            then, old = self._samples[0]
            if at_s > then:
                for name, value in counts.items():
                    if name in old:
                        rates[name] = round(max(0, value - old[name]) / (at_s - then), 2)
        if not self._samples or at_s > self._samples[-1][0]:
            self._samples.append((at_s, dict(counts)))
        return rates
