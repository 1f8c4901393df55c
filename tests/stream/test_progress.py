"""The progress line: rates since the last line and the lag, and no line while nothing changed."""

from __future__ import annotations

from workers.routing import Output
from workers.stream.metrics import StreamMetrics
from workers.stream.progress import Progress, totals_line


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_appears_only_when_the_counts_or_the_lag_changed() -> None:
    metrics, clock = StreamMetrics(), Clock()
    progress = Progress(metrics, clock)
    assert progress.line() is None  # a quiet start

    clock.now += 10
    metrics.batch_done(50, [Output("enriched", b"a", b"{}")] * 40 + [Output("dead_letter", None, b"{}")], 0)
    metrics.set_lag("raw", {0: 7})
    line = progress.line()
    assert line is not None
    assert line.startswith("5.0 records/s in, 4.0 enriched/s, 1 new dead letters; lag 7; since the start 50 records in")

    clock.now += 10
    assert progress.line() is None
    metrics.set_lag("raw", {0: 0})
    clock.now += 5
    assert progress.line() == (
        "0.0 records/s in, 0.0 enriched/s, 0 new dead letters; lag 0; since the start " + totals_line(metrics.totals)
    )


def test_the_totals_line_starts_with_the_input_count_that_the_benchmark_reads() -> None:
    line = totals_line({"input": 3, "enriched": 2, "dead_letter": 1})
    assert line == "3 records in: 2 enriched, 0 entity mentions, 1 dead letters, 0 replays skipped"
