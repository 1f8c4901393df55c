"""Exact per-bucket counts of one partition: each mention_id once, late records out, and a restart from
any checkpoint taken after its buckets were stored gives the same buckets as one uninterrupted reading."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from workers.trends.counts import ClosedBucket, EntityCount, Mention, Outcome, PartitionCounts
from workers.trends.windows import Buckets, parse_time_ms

BUCKETS = Buckets(600, 300.0)
MINUTE = 60_000
T0 = parse_time_ms("2026-11-30T10:00:00Z") or 0  # a bucket's start
FIRST = BUCKETS.index(T0)


def mention(n: int, minute: float, name: str = "حفتر", article: str | None = None, source: str = "a") -> Mention:
    return Mention(f"m{n}", article or f"article-{n}", "PER", name, name, source, T0 + int(minute * MINUTE))


def test_mentions_of_one_bucket_are_counted_by_entity() -> None:
    counts = PartitionCounts(BUCKETS)
    outcomes = [
        counts.add(0, mention(0, 1, article="x", source="a")),
        counts.add(1, mention(1, 2, article="x", source="a")),
        counts.add(2, mention(2, 3, article="y", source="b")),
        counts.add(3, mention(3, 4, "سرت", source="b")),
        counts.add(4, mention(4, 15.5, "سرت")),  # closes the first bucket
    ]
    assert outcomes == [Outcome.COUNTED] * 5
    assert counts.close_due() == [
        ClosedBucket(
            FIRST,
            (
                EntityCount("PER", "حفتر", "حفتر", mentions=3, articles=2, sources=("a", "b")),
                EntityCount("PER", "سرت", "سرت", mentions=1, articles=1, sources=("b",)),
            ),
        )
    ]
    assert counts.close_due() == []
    assert counts.open_buckets == 1


def test_a_repeated_mention_id_is_counted_once_in_its_bucket() -> None:
    counts = PartitionCounts(BUCKETS)
    assert counts.add(0, mention(0, 1)) is Outcome.COUNTED
    assert counts.add(1, mention(0, 1)) is Outcome.DUPLICATE
    assert counts.add(2, mention(0, 9)) is Outcome.DUPLICATE  # another time, the same bucket
    # a repeat whose event time (a record timestamp) is in another bucket counts there: decisions
    # never look at another bucket, so that reading again from a checkpoint decides the same
    assert counts.add(3, mention(0, 11)) is Outcome.COUNTED
    counts.add(4, mention(9, 25))
    assert [(b.index, b.entities[0].mentions) for b in counts.close_due()] == [(FIRST, 1), (FIRST + 1, 1)]


def test_a_mention_of_a_closed_bucket_is_late_and_not_counted() -> None:
    counts = PartitionCounts(BUCKETS)
    counts.add(0, mention(0, 1))
    counts.add(1, mention(1, 15))  # the first bucket closes
    assert counts.add(2, mention(2, 9.9)) is Outcome.LATE
    assert counts.add(3, mention(3, 10)) is Outcome.COUNTED
    [closed] = counts.close_due()
    assert closed.entities[0].mentions == 1


def test_a_mention_within_the_lateness_is_counted() -> None:
    counts = PartitionCounts(BUCKETS)
    counts.add(0, mention(0, 14.9))
    assert counts.add(1, mention(1, 0)) is Outcome.COUNTED
    assert counts.close_due() == []


def test_mention_ids_are_forgotten_with_their_bucket() -> None:
    counts = PartitionCounts(BUCKETS)
    counts.add(0, mention(0, 1))
    counts.add(1, mention(1, 15))
    counts.close_due()
    assert counts.add(2, mention(0, 1)) is Outcome.LATE  # its bucket is closed: not counted again
    assert [len(bucket.mention_ids) for bucket in counts._open.values()] == [1]


def test_the_checkpoint_offset_is_the_first_offset_of_an_open_bucket() -> None:
    counts = PartitionCounts(BUCKETS)
    counts.add(10, mention(0, 1))
    counts.add(11, mention(1, 12))
    assert counts.checkpoint(12).offset == 10
    counts.add(12, mention(2, 16))
    counts.close_due()
    checkpoint = counts.checkpoint(13)
    assert (checkpoint.offset, checkpoint.position, checkpoint.max_event_ms) == (11, 13, T0 + 16 * MINUTE)
    counts.add(13, mention(3, 40))
    counts.close_due()
    assert counts.checkpoint(14).offset == 13


def test_with_nothing_open_the_checkpoint_is_the_next_offset() -> None:
    assert PartitionCounts(BUCKETS).checkpoint(7).offset == 7


def stream(seed: int, count: int = 400) -> list[Mention]:
    """Mentions roughly in time order with jitter, some late, some repeated: at the same event time
    (their article's published_at) or, now and then, at a later one (a record timestamp)."""
    rng = random.Random(seed)
    mentions = []
    for n in range(count):
        minute = n * 0.25 + rng.uniform(-8, 3)
        mentions.append(mention(n, minute, rng.choice(["حفتر", "سرت", "طرابلس"]), source=rng.choice("abc")))
        if rng.random() < 0.1:
            repeated = mentions[rng.randrange(len(mentions))]
            if rng.random() < 0.3:
                repeated = replace(repeated, event_ms=repeated.event_ms + rng.randrange(12 * MINUTE))
            mentions.append(repeated)
    return mentions


def read(
    mentions: list[Mention], start: int, counts: PartitionCounts, stored: dict[int, ClosedBucket], stop: int
) -> None:
    for offset in range(start, stop):
        counts.add(offset, mentions[offset])
        for bucket in counts.close_due():
            # a bucket closed again after a restart is the same record (written again under its key)
            assert stored.get(bucket.index, bucket) == bucket
            stored[bucket.index] = bucket


@pytest.mark.parametrize("seed", range(40))
def test_a_restart_from_any_checkpoint_stores_the_same_buckets(seed: int) -> None:
    mentions = stream(seed)
    whole: dict[int, ClosedBucket] = {}
    read(mentions, 0, PartitionCounts(BUCKETS), whole, len(mentions))
    assert len(whole) > 5

    rng = random.Random(seed)
    stored: dict[int, ClosedBucket] = {}
    counts = PartitionCounts(BUCKETS)
    offset = 0
    checkpoint = counts.checkpoint(0)
    while offset < len(mentions):
        stop = min(len(mentions), offset + rng.randrange(1, 60))
        read(mentions, offset, counts, stored, stop)
        if rng.random() < 0.5:
            checkpoint = counts.checkpoint(stop)  # stored: its buckets are written first
            offset = stop
        else:  # a crash: the records since the last checkpoint are read again by a fresh process
            counts = PartitionCounts(BUCKETS, checkpoint)
            offset = checkpoint.offset
    assert stored == whole


def test_records_read_again_below_the_checkpoint_position_are_replays() -> None:
    counts = PartitionCounts(BUCKETS)
    counts.add(0, mention(0, 12))  # open second bucket, first offset 0
    counts.add(1, mention(1, 1))  # the first bucket
    counts.add(2, mention(2, 16))
    counts.close_due()
    restored = PartitionCounts(BUCKETS, counts.checkpoint(3))
    assert restored.add(0, mention(0, 12)) is Outcome.COUNTED
    assert restored.add(1, mention(1, 1)) is Outcome.REPLAYED
    assert restored.add(3, mention(3, 2)) is Outcome.LATE
