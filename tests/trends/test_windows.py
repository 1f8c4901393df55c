"""Bucket arithmetic, when a bucket closes, and which time is a mention's event time."""

import pytest

from workers.trends.windows import FUTURE_TOLERANCE_MS, Buckets, Window, event_time_ms, iso, parse_time_ms

TEN_MINUTES = Buckets(600, 300.0)
T0 = parse_time_ms("2026-11-30T10:00:00Z") or 0


def test_a_bucket_covers_its_start_and_not_its_end() -> None:
    index = TEN_MINUTES.index(T0)
    assert TEN_MINUTES.start_ms(index) == T0
    assert TEN_MINUTES.end_ms(index) == T0 + 600_000
    assert TEN_MINUTES.index(T0 + 599_999) == index
    assert TEN_MINUTES.index(T0 + 600_000) == index + 1
    assert TEN_MINUTES.index(T0 - 1) == index - 1


@pytest.mark.parametrize(
    ("latest", "closed"),
    [
        ("2026-11-30T10:14:59.999Z", -1),  # 10:00-10:10 still open: 4:59.999 past its end
        ("2026-11-30T10:15:00Z", 0),  # its end + the lateness: closed
        ("2026-11-30T10:24:59Z", 0),
        ("2026-11-30T10:25:00Z", 1),
    ],
)
def test_a_bucket_closes_once_a_mention_is_the_lateness_past_its_end(latest: str, closed: int) -> None:
    first = TEN_MINUTES.index(T0)
    assert TEN_MINUTES.closed_through(parse_time_ms(latest)) == first + closed


def test_nothing_is_closed_before_a_mention_is_read() -> None:
    assert TEN_MINUTES.closed_through(None) is None


def test_no_lateness_closes_a_bucket_at_its_end() -> None:
    buckets = Buckets(600, 0.0)
    assert buckets.closed_through(T0 + 600_000) == buckets.index(T0)
    assert buckets.closed_through(T0 + 599_999) == buckets.index(T0) - 1


def test_the_windows_are_the_bucket_the_hour_and_the_day() -> None:
    assert TEN_MINUTES.windows() == (Window("bucket", 1), Window("hour", 6), Window("day", 144))
    assert Buckets(300, 0).windows()[1:] == (Window("hour", 12), Window("day", 288))


@pytest.mark.parametrize(
    ("published_at", "timestamp", "expected"),
    [
        ("2026-11-30T10:00:00Z", T0 + 3_600_000, T0),
        ("2026-11-30T12:00:00+02:00", T0 + 3_600_000, T0),
        ("2026-11-30t10:00:00.250z", T0 + 3_600_000, T0 + 250),
        (None, T0 + 5, T0 + 5),
        ("yesterday", T0 + 5, T0 + 5),
        ("2026-11-30T10:00:00", T0 + 5, T0 + 5),  # no offset: not RFC 3339
        ("2026-02-30T10:00:00Z", T0 + 5, T0 + 5),  # no such day
        (17, T0 + 5, T0 + 5),
        ("2026-11-30T10:00:00Z", None, T0),
        ("2026-11-30T10:00:00Z", -1, T0),
        (None, -1, None),
    ],
)
def test_the_event_time_is_published_at_else_the_record_timestamp(
    published_at: object, timestamp: int | None, expected: int | None
) -> None:
    assert event_time_ms(published_at, timestamp) == expected


def test_a_published_at_in_the_future_of_its_record_is_a_clock_error() -> None:
    assert event_time_ms("2026-11-30T10:00:00Z", T0 - FUTURE_TOLERANCE_MS) == T0
    assert event_time_ms("2026-11-30T10:00:00Z", T0 - FUTURE_TOLERANCE_MS - 1) == T0 - FUTURE_TOLERANCE_MS - 1


def test_times_are_written_in_utc_to_the_second() -> None:
    assert iso(T0) == "2026-11-30T10:00:00Z"
    assert parse_time_ms(iso(T0 + 600_000)) == T0 + 600_000
