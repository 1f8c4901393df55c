"""The trends job's durable state: records of a compacted topic, and the view every process keeps of it.

Each input partition `p` writes to partition `p` of the state topic, in this order:

- `bucket/<p>/<index>`: a closed bucket's counts (only buckets with a mention), once;
- `checkpoint/<p>`: where to read `p` again from, and its watermark (`workers.trends.counts`), after
  the buckets it closes are acknowledged;
- tombstones of `bucket/<p>/<index>` once the bucket is older than the retention.

The job that publishes the windows (the owner of input partition 0) writes `published` to partition 0
once the window records through a bucket are acknowledged. A bucket is complete when every partition's
checkpoint says it is closed there.
"""

from __future__ import annotations

from typing import Any

from workers.trends.counts import Checkpoint, ClosedBucket, EntityCount
from workers.trends.windows import Buckets

PUBLISHED_KEY = "published"


def bucket_key(partition: int, index: int) -> str:
    return f"bucket/{partition}/{index}"


def checkpoint_key(partition: int) -> str:
    return f"checkpoint/{partition}"


def bucket_value(partition: int, bucket: ClosedBucket) -> dict[str, Any]:
    return {
        "partition": partition,
        "bucket": bucket.index,
        "entities": [[e.type, e.normalized, e.text, e.mentions, e.articles, list(e.sources)] for e in bucket.entities],
    }


def checkpoint_value(partition: int, checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "partition": partition,
        "offset": checkpoint.offset,
        "position": checkpoint.position,
        "max_event_ms": checkpoint.max_event_ms,
    }


def _bucket(value: dict[str, Any]) -> ClosedBucket:
    entities = tuple(
        EntityCount(kind, normalized, text, mentions, articles, tuple(sources))
        for kind, normalized, text, mentions, articles, sources in value["entities"]
    )
    return ClosedBucket(int(value["bucket"]), entities)


class StateView:
    """Everything of the state topic within the retention: closed buckets by partition, checkpoints,
    and how far the windows were published. Buckets older than `retention` buckets before the latest
    complete one are dropped, so memory holds at most the retention's buckets."""

    def __init__(self, buckets: Buckets, retention: int) -> None:
        self._buckets = buckets
        self._retention = retention
        self.by_bucket: dict[int, dict[int, ClosedBucket]] = {}
        self.checkpoints: dict[int, Checkpoint] = {}
        self.published_through: int | None = None

    def apply(self, key: str, value: dict[str, Any] | None) -> None:
        """Take in one state record (None: a tombstone)."""
        kind, _, rest = key.partition("/")
        if kind == "bucket":
            partition, _, index = rest.partition("/")
            if value is None:
                self._drop(int(partition), int(index))
            else:
                self.by_bucket.setdefault(int(index), {})[int(partition)] = _bucket(value)
        elif kind == "checkpoint" and value is not None:
            self.checkpoints[int(rest)] = Checkpoint(value["offset"], value["position"], value["max_event_ms"])
        elif kind == PUBLISHED_KEY and value is not None:
            self.published_through = int(value["through"])

    def _drop(self, partition: int, index: int) -> None:
        held = self.by_bucket.get(index)
        if held is not None:
            held.pop(partition, None)
            if not held:
                del self.by_bucket[index]

    def checkpoint(self, partition: int) -> Checkpoint | None:
        return self.checkpoints.get(partition)

    def complete_through(self, partitions: int) -> int | None:
        """The last bucket closed on every one of `partitions` input partitions (None: one has not closed any)."""
        closed = [
            self._buckets.closed_through(c.max_event_ms) if (c := self.checkpoints.get(p)) else None
            for p in range(partitions)
        ]
        if any(value is None for value in closed):
            return None
        return min(value for value in closed if value is not None)

    def partition_buckets(self, partition: int) -> list[int]:
        """The buckets held of `partition`."""
        return [index for index, held in self.by_bucket.items() if partition in held]

    def prune(self, complete_through: int) -> None:
        """Forget buckets no window through `complete_through` or later reads."""
        oldest = complete_through - self._retention + 1
        for index in [index for index in self.by_bucket if index < oldest]:
            del self.by_bucket[index]

    def counts(self, index: int) -> list[EntityCount]:
        """Every entity's counts in bucket `index`, over all partitions (each entity is in one)."""
        return [entity for bucket in self.by_bucket.get(index, {}).values() for entity in bucket.entities]
