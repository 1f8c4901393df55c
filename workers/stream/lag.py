"""Consumer lag per partition: the group's committed offset against the partition's end.

The end is the high watermark of the consumer's latest fetch response for the partition, which both
brokers report right. Tansu's ListOffsets(latest), which aiokafka's `end_offsets` asks, answers the
base offset of the last record batch + 1 instead (a lag computed from it read −37 after a drain).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, cast

import faust
from faust.transport.consumer import Consumer
from faust.types import TP


class Offsets(Protocol):
    """Where a consumer's partitions end and what its group committed, as the consumer last saw them."""

    def high_watermark(self, tp: TP) -> int | None:
        """The partition's end from the latest fetch; None before the first fetch."""

    def committed(self, tp: TP) -> int | None:
        """The group's committed offset (the next record to process); None before any commit."""


class FaustOffsets:
    """The offsets Faust's consumer keeps: aiokafka's high watermark per fetched partition, and
    Faust's own record of committed offsets (read from the group at assignment, updated on every
    commit), so no broker request is made."""

    def __init__(self, app: faust.App) -> None:
        self._app = app

    def high_watermark(self, tp: TP) -> int | None:
        try:
            return self._app.consumer.highwater(tp)
        except AssertionError:  # aiokafka asserts the partition is assigned: a rebalance took it meanwhile
            return None

    def committed(self, tp: TP) -> int | None:
        # Faust offers no accessor; `get` leaves its defaultdict as it is.
        return cast(Consumer, self._app.consumer)._committed_offset.get(tp)


def partition_lags(offsets: Offsets, partitions: Iterable[TP]) -> dict[int, int]:
    """Lag of each partition whose end is known.

    With nothing committed yet (Faust also keeps a committed 0 as None) the group starts at offset 0,
    as `auto_offset_reset=earliest` does on a log whose beginning was never deleted by retention.
    """
    lags = {}
    for tp in partitions:
        end = offsets.high_watermark(tp)
        if end is not None:
            lags[tp.partition] = end - (offsets.committed(tp) or 0)
    return lags
