"""Lag per partition: the high watermark of the latest fetch minus the group's committed offset."""

from __future__ import annotations

from faust.types import TP

from workers.stream.lag import partition_lags


class Offsets:
    def __init__(self, ends: dict[int, int | None], committed: dict[int, int | None]) -> None:
        self._ends = ends
        self._committed = committed

    def high_watermark(self, tp: TP) -> int | None:
        return self._ends[tp.partition]

    def committed(self, tp: TP) -> int | None:
        return self._committed[tp.partition]


def partitions(*numbers: int) -> list[TP]:
    return [TP("raw", number) for number in numbers]


def test_lag_is_the_end_minus_the_committed_offset() -> None:
    offsets = Offsets({0: 40, 1: 12}, {0: 40, 1: 3})
    assert partition_lags(offsets, partitions(0, 1)) == {0: 0, 1: 9}


def test_with_nothing_committed_the_whole_partition_is_lag() -> None:
    assert partition_lags(Offsets({0: 25}, {0: None}), partitions(0)) == {0: 25}


def test_a_partition_not_fetched_yet_has_no_lag_rather_than_a_guess() -> None:
    assert partition_lags(Offsets({0: None, 1: 5}, {0: None, 1: 5}), partitions(0, 1)) == {1: 0}
