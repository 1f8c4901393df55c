"""Window records: the top entities per type, the change, the unusualness score, valid records."""

from __future__ import annotations

import math

import pytest

from workers.contract.schemas import TREND_SCHEMA, schema_errors
from workers.trends.counts import EntityCount
from workers.trends.ranking import (
    PRIOR_MENTIONS,
    CountsOf,
    Scoring,
    buckets_to_publish,
    record_key,
    unusualness,
    window_records,
    window_sums,
)
from workers.trends.windows import Buckets, Window, parse_time_ms

BUCKETS = Buckets(600, 300.0)
B = BUCKETS.index(parse_time_ms("2026-11-30T10:00:00Z") or 0)
SCORING = Scoring(top=3, baseline_buckets=6)


def count(
    name: str, mentions: int, articles: int | None = None, sources: tuple[str, ...] = ("a",), kind: str = "PER"
) -> EntityCount:
    return EntityCount(kind, name, name.title(), mentions, articles or mentions, sources)


def history(buckets: dict[int, list[EntityCount]]) -> CountsOf:
    return lambda index: buckets.get(index, [])


def test_the_top_entities_of_each_type_by_mentions_then_articles_then_name() -> None:
    counts_of = history(
        {
            B: [
                count("b", 5, 5),
                count("a", 5, 5),
                count("c", 5, 4),
                count("d", 9),
                count("e", 1),
                count("x", 2, kind="LOC"),
            ]
        }
    )
    records = dict(window_records(counts_of, BUCKETS, Window("bucket", 1), B, SCORING))
    assert set(records) == {"bucket|2026-11-30T10:00:00Z|PER", "bucket|2026-11-30T10:00:00Z|LOC"}
    per = records["bucket|2026-11-30T10:00:00Z|PER"]
    assert [(e["rank"], e["normalized"]) for e in per["top"]] == [(1, "d"), (2, "a"), (3, "b")]
    assert (per["mentions"], per["entities_counted"]) == (25, 5)
    assert per["window"] == {
        "name": "bucket",
        "start": "2026-11-30T10:00:00Z",
        "end": "2026-11-30T10:10:00Z",
        "seconds": 600,
        "bucket_seconds": 600,
    }
    for record in records.values():
        assert schema_errors(TREND_SCHEMA, record) == []


def test_a_window_sums_its_buckets_and_unites_their_sources() -> None:
    counts_of = history(
        {B - 1: [count("a", 2, 1, ("x", "y"))], B: [count("a", 3, 2, ("y", "z"))], B + 1: [count("a", 7)]}
    )
    [(_, record)] = window_records(counts_of, BUCKETS, Window("hour", 6), B, SCORING)
    [entry] = record["top"]
    assert (entry["mentions"], entry["articles"], entry["sources"]) == (5, 3, 3)
    assert record["window"]["start"] == "2026-11-30T09:10:00Z" and record["window"]["end"] == "2026-11-30T10:10:00Z"


def test_the_change_is_against_the_same_window_one_bucket_earlier() -> None:
    counts_of = history({B - 2: [count("a", 4)], B - 1: [count("a", 10)], B: [count("a", 3)]})
    [(_, bucket)] = window_records(counts_of, BUCKETS, Window("bucket", 1), B, SCORING)
    assert (bucket["top"][0]["previous_mentions"], bucket["top"][0]["change"]) == (10, -7)
    [(_, hour)] = window_records(counts_of, BUCKETS, Window("hour", 6), B, SCORING)
    assert (hour["top"][0]["mentions"], hour["top"][0]["previous_mentions"], hour["top"][0]["change"]) == (17, 14, 3)


def test_the_expected_count_is_the_entitys_own_rate_before_the_window_with_a_prior() -> None:
    # six baseline buckets before the window of 2 mentions each: rate (12 + 1) / 7
    counts_of = history({**{B - n: [count("a", 2)] for n in range(1, 7)}, B: [count("a", 2)]})
    [(_, record)] = window_records(counts_of, BUCKETS, Window("bucket", 1), B, SCORING)
    entry = record["top"][0]
    assert entry["expected"] == round((12 + PRIOR_MENTIONS) / 7, 4)
    assert abs(entry["score"]) < 0.5  # as usual
    assert record["baseline"] == {"buckets": 6, "prior_mentions": 1.0}


def test_a_first_appearance_is_unusual_and_a_usual_count_is_not() -> None:
    burst = unusualness(40, 1 / 37)
    assert 11 < burst < 12
    assert abs(unusualness(10, 10)) < 0.1
    assert unusualness(2, 20) < -3
    assert unusualness(0, 0) == 0


@pytest.mark.parametrize("expected", [2.0, 5.0, 10.0, 50.0])
def test_the_score_is_about_a_standard_deviate_for_poisson_counts(expected: float) -> None:
    # the score's mean and variance under Poisson(expected), summed exactly over the distribution
    probabilities = [math.exp(-expected + k * math.log(expected) - math.lgamma(k + 1)) for k in range(400)]
    scores = [unusualness(k, expected) for k in range(400)]
    mean = sum(p * s for p, s in zip(probabilities, scores, strict=True))
    variance = sum(p * (s - mean) ** 2 for p, s in zip(probabilities, scores, strict=True))
    assert abs(mean) < 0.35 and 0.6 < variance < 1.3


def test_only_the_top_entities_are_looked_up_before_the_window() -> None:
    counts_of = history({B - 1: [count("a", 1), count("b", 5)]})
    assert set(window_sums(counts_of, B - 1, B, only={("PER", "a")})) == {("PER", "a")}


def test_records_are_keyed_by_window_type_and_start() -> None:
    assert record_key(Window("day", 144), "ORG", BUCKETS.start_ms(B)) == "day|2026-11-30T10:00:00Z|ORG"


def test_the_same_counts_give_the_same_record() -> None:
    counts_of = history({B: [count("a", 3), count("b", 2, kind="ORG")]})
    assert window_records(counts_of, BUCKETS, Window("day", 144), B, SCORING) == window_records(
        counts_of, BUCKETS, Window("day", 144), B, SCORING
    )


def test_the_buckets_to_publish_are_those_whose_windows_hold_a_mention() -> None:
    assert buckets_to_publish([10], start=0, through=100, longest=3) == [10, 11, 12]
    assert buckets_to_publish([10, 11], start=11, through=12, longest=3) == [11, 12]
    assert buckets_to_publish([], start=0, through=100, longest=144) == []
