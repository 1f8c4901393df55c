"""How the broker benchmark turns record timestamps, CPU samples and worker logs into numbers."""

from __future__ import annotations

import pytest

from lab.bench.harness import Drained, cpu_rate, records_processed, window_rate
from lab.bench.stream import latency_summary, percentile


def test_the_rate_leaves_out_the_first_tenth_of_the_records() -> None:
    # 10 records: a slow start (the first at 0 ms), then one every 100 ms from 5000 ms on.
    timestamps = [0] + [5000 + 100 * index for index in range(9)]
    assert window_rate(timestamps) == pytest.approx(8 / 0.8)


def test_the_rate_does_not_depend_on_the_order_records_were_read() -> None:
    timestamps = [1000 + 10 * index for index in range(50)]
    assert window_rate(list(reversed(timestamps))) == window_rate(timestamps)


def test_records_sharing_one_millisecond_count_as_one_millisecond_apart() -> None:
    # 11 records: the one at 10 % opens the window, 9 follow it within the same millisecond.
    assert window_rate([7] * 11) == 9 / 0.001


def test_cpu_rate_counts_records_between_the_two_samples() -> None:
    assert cpu_rate(Drained([], ((10, 2.0), (110, 4.0)))) == 50
    assert cpu_rate(Drained([], ((10, 2.0), (20, 2.1)))) is None, "a few clock ticks are too coarse to time"


def test_records_processed_reads_the_workers_last_line() -> None:
    log = "[INFO] progress: 32 records in\n[INFO] worker stopped after 97 records in: 97 enriched, 4 entity mentions"
    assert records_processed(log) == 97
    assert records_processed("a worker that never stopped cleanly") is None


@pytest.mark.parametrize(("rank", "expected"), [(50, 5), (95, 10), (99, 10), (10, 1), (11, 2)])
def test_percentiles_are_nearest_rank(rank: float, expected: float) -> None:
    assert percentile([float(value) for value in range(10, 0, -1)], rank) == expected


def test_latency_summary_has_the_reported_percentiles() -> None:
    assert latency_summary([1.0, 2.0, 3.0, 4.0]) == {"p50": 2.0, "p95": 4.0, "p99": 4.0, "max": 4.0, "mean": 2.5}
