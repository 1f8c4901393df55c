"""Exact counts of one input partition's open buckets, each mention counted once, and where to resume.

The input is keyed by entity, so each partition owns its entities: one `PartitionCounts` per owned
partition counts that partition's records in offset order. A record is

- counted, into the bucket of its event time, when that bucket is open and its `mention_id` is not
  in it yet;
- a duplicate when it is (at-least-once input repeats records: a repeat has its article's
  `published_at`, so it falls in the same bucket; a repeat without one, whose event time is its own
  record timestamp, may fall in a later bucket and is counted there too);
- late when its bucket is closed (`workers.trends.windows`), or replayed when it is also below the
  position of the checkpoint the counts were restored from (it was read before the restart: counted
  then, or late then).

Every decision depends on the record, the watermark and the bucket's own records only, never on
another bucket: that is what makes reading again from a checkpoint give the same counts. Mention ids
are remembered only while their bucket is open, so memory is bounded by the open buckets.

`checkpoint(next_offset)` says from where reading again rebuilds exactly this state: the first offset
counted into a bucket still open (every record before it belongs to a closed bucket or was late), the
latest event time read (the watermark), and the position reached. Restored from a checkpoint and given
the records from its offset on, in order, the counts make the same decision for every record as they
did the first time: a bucket open at the checkpoint has all its records at or after the offset, and
every bucket closed at the checkpoint stays closed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from workers.trends.windows import Buckets

#: (type, canonical normalized form): one entity. Every mention of one lands on one partition.
EntityKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Mention:
    """What the trends count of one entity mention (articles.entities)."""

    mention_id: str
    article_id: str
    type: str
    normalized: str
    text: str
    source: str | None
    event_ms: int


class Outcome(enum.Enum):
    COUNTED = "counted"
    DUPLICATE = "duplicate"
    LATE = "late"
    REPLAYED = "replayed"


@dataclass(frozen=True, slots=True)
class EntityCount:
    """One entity's counts in one closed bucket of one partition."""

    type: str
    normalized: str
    text: str
    mentions: int
    articles: int
    sources: tuple[str, ...]

    @property
    def key(self) -> EntityKey:
        return (self.type, self.normalized)


@dataclass(frozen=True, slots=True)
class ClosedBucket:
    """A bucket's final counts in one partition."""

    index: int
    entities: tuple[EntityCount, ...]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where to read a partition again from (`offset`), with the watermark and position reached then."""

    offset: int
    position: int
    max_event_ms: int | None


@dataclass(slots=True)
class _Tally:
    text: str
    mentions: int = 0
    articles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _OpenBucket:
    first_offset: int
    mention_ids: set[str] = field(default_factory=set)
    tallies: dict[EntityKey, _Tally] = field(default_factory=dict)

    def closed(self, index: int) -> ClosedBucket:
        entities = (
            EntityCount(kind, normalized, t.text, t.mentions, len(t.articles), tuple(sorted(t.sources)))
            for (kind, normalized), t in sorted(self.tallies.items())
        )
        return ClosedBucket(index, tuple(entities))


class PartitionCounts:
    """The open buckets of one partition, restored from `checkpoint` (None: the partition's beginning)."""

    def __init__(self, buckets: Buckets, checkpoint: Checkpoint | None = None) -> None:
        self._buckets = buckets
        self._max_event_ms = checkpoint.max_event_ms if checkpoint else None
        self._replayed_below = checkpoint.position if checkpoint else 0
        self._open: dict[int, _OpenBucket] = {}

    @property
    def max_event_ms(self) -> int | None:
        return self._max_event_ms

    @property
    def closed_through(self) -> int | None:
        return self._buckets.closed_through(self._max_event_ms)

    @property
    def open_buckets(self) -> int:
        return len(self._open)

    def add(self, offset: int, mention: Mention) -> Outcome:
        """Take the record at `offset`; the watermark moves on, but buckets close only in `close_due`."""
        index = self._buckets.index(mention.event_ms)
        closed = self.closed_through
        if closed is not None and index <= closed:
            outcome = Outcome.REPLAYED if offset < self._replayed_below else Outcome.LATE
        elif index in self._open and mention.mention_id in self._open[index].mention_ids:
            outcome = Outcome.DUPLICATE
        else:
            bucket = self._open.get(index)
            if bucket is None:
                bucket = self._open[index] = _OpenBucket(offset)
            bucket.mention_ids.add(mention.mention_id)
            key = (mention.type, mention.normalized)
            tally = bucket.tallies.get(key)
            if tally is None:
                tally = bucket.tallies[key] = _Tally(mention.text)
            tally.mentions += 1
            tally.articles.add(mention.article_id)
            if mention.source:
                tally.sources.add(mention.source)
            outcome = Outcome.COUNTED
        if self._max_event_ms is None or mention.event_ms > self._max_event_ms:
            self._max_event_ms = mention.event_ms
        return outcome

    def close_due(self) -> list[ClosedBucket]:
        """The open buckets the watermark has passed, oldest first, with their final counts; forgotten here."""
        closed = self.closed_through
        if closed is None:
            return []
        due = sorted(index for index in self._open if index <= closed)
        result = []
        for index in due:
            result.append(self._open.pop(index).closed(index))
        return result

    def checkpoint(self, next_offset: int) -> Checkpoint:
        """The state after reading every record before `next_offset`, once `close_due`'s buckets are stored."""
        offset = min((bucket.first_offset for bucket in self._open.values()), default=next_offset)
        return Checkpoint(offset, max(next_offset, self._replayed_below), self._max_event_ms)
