"""The worker's periodic progress line: rates since the last line, and the lag; silent while nothing changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from workers.stream.metrics import StreamMetrics


def totals_line(totals: Mapping[str, int]) -> str:
    """The counts since the start (the benchmark and the tests read the input count off the last one)."""
    return (
        f"{totals.get('input', 0)} records in: {totals.get('enriched', 0)} enriched, "
        f"{totals.get('entity', 0)} entity mentions, {totals.get('dead_letter', 0)} dead letters, "
        f"{totals.get('replay_skipped', 0)} replays skipped"
    )


class Progress:
    """Compares the metrics with what the last line reported."""

    def __init__(self, metrics: StreamMetrics, clock: Callable[[], float] = time.monotonic) -> None:
        self._metrics = metrics
        self._clock = clock
        self._last: tuple[dict[str, int], int | None] = ({}, None)
        self._last_at = clock()

    def line(self) -> str | None:
        """The line to log now, or None when the counts and the lag are what the last line said."""
        totals, lag = dict(self._metrics.totals), self._metrics.total_lag()
        if (totals, lag) == self._last:
            return None
        now = self._clock()
        seconds = max(now - self._last_at, 1e-9)
        before = self._last[0]

        def new(kind: str) -> int:
            return totals.get(kind, 0) - before.get(kind, 0)

        self._last, self._last_at = (totals, lag), now
        return (
            f"{new('input') / seconds:.1f} records/s in, {new('enriched') / seconds:.1f} enriched/s, "
            f"{new('dead_letter')} new dead letters; lag {'unknown' if lag is None else lag}; "
            f"since the start {totals_line(totals)}"
        )
