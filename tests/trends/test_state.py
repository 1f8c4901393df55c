"""The state topic's records read back into the view: buckets by partition, checkpoints, completeness."""

from __future__ import annotations

from typing import Any

import orjson

from workers.trends.counts import Checkpoint, ClosedBucket, EntityCount
from workers.trends.state import (
    PUBLISHED_KEY,
    StateView,
    bucket_key,
    bucket_value,
    checkpoint_key,
    checkpoint_value,
)
from workers.trends.windows import Buckets

BUCKETS = Buckets(600, 300.0)
ENTITY = EntityCount("PER", "حفتر", "خليفة حفتر", 3, 2, ("a", "b"))


def wire(value: dict[str, Any]) -> dict[str, Any]:
    """As the follower reads it: through JSON."""
    return orjson.loads(orjson.dumps(value))


def closing(index: int) -> int:
    """A latest event time that closes bucket `index` and not the next."""
    return BUCKETS.end_ms(index) + BUCKETS.lateness_ms


def test_a_stored_bucket_reads_back_the_same() -> None:
    view = StateView(BUCKETS, retention=10)
    bucket = ClosedBucket(100, (ENTITY,))
    view.apply(bucket_key(2, 100), wire(bucket_value(2, bucket)))
    assert view.by_bucket == {100: {2: bucket}}
    assert view.counts(100) == [ENTITY]
    assert view.partition_buckets(2) == [100] and view.partition_buckets(1) == []


def test_a_tombstone_drops_the_bucket() -> None:
    view = StateView(BUCKETS, retention=10)
    view.apply(bucket_key(2, 100), bucket_value(2, ClosedBucket(100, (ENTITY,))))
    view.apply(bucket_key(2, 100), None)
    assert view.by_bucket == {}


def test_a_bucket_is_complete_once_every_partition_closed_it() -> None:
    view = StateView(BUCKETS, retention=10)
    view.apply(checkpoint_key(0), checkpoint_value(0, Checkpoint(5, 9, closing(100))))
    assert view.complete_through(2) is None  # partition 1 has closed nothing
    view.apply(checkpoint_key(1), wire(checkpoint_value(1, Checkpoint(0, 3, closing(98)))))
    assert view.complete_through(2) == 98
    assert view.checkpoint(1) == Checkpoint(0, 3, closing(98))


def test_the_published_marker_and_pruning() -> None:
    view = StateView(BUCKETS, retention=3)
    for index in range(95, 101):
        view.apply(bucket_key(0, index), bucket_value(0, ClosedBucket(index, (ENTITY,))))
    view.apply(PUBLISHED_KEY, {"through": 99})
    assert view.published_through == 99
    view.prune(100)
    assert sorted(view.by_bucket) == [98, 99, 100]
