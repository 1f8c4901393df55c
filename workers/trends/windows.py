"""Event time, tumbling buckets and the windows over them, and when a bucket closes.

Time is in whole milliseconds since the epoch. Bucket `i` covers `[i × size, (i + 1) × size)`. A
partition's watermark is the latest event time it has read minus the allowed lateness; bucket `i` is
closed once the watermark reached its end, that is once some record of the partition has an event time
at least `(i + 1) × size + lateness`. Closed buckets never reopen: a record of a closed bucket is late.
The watermark depends on the partition's own records only, in offset order, so reading them again from
any earlier point with the watermark of that point gives the same decisions (`workers.trends.counts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

#: A `published_at` later than the record's own timestamp by more than this is a clock error: the
#: record's timestamp is its event time instead (a date in the future would close every open bucket).
FUTURE_TOLERANCE_MS = 5 * 60 * 1000
HOUR_SECONDS = 3600
DAY_SECONDS = 86400


@dataclass(frozen=True, slots=True)
class Window:
    """A window of `buckets` consecutive buckets, named for people and record keys."""

    name: str
    buckets: int


@dataclass(frozen=True, slots=True)
class Buckets:
    """Tumbling buckets of `seconds`, closed `lateness_seconds` of event time after their end."""

    seconds: int
    lateness_seconds: float

    @property
    def size_ms(self) -> int:
        return self.seconds * 1000

    @property
    def lateness_ms(self) -> int:
        return round(self.lateness_seconds * 1000)

    def index(self, event_ms: int) -> int:
        """The bucket an event time falls in."""
        return event_ms // self.size_ms

    def start_ms(self, index: int) -> int:
        return index * self.size_ms

    def end_ms(self, index: int) -> int:
        """The first millisecond after bucket `index`."""
        return (index + 1) * self.size_ms

    def closed_through(self, max_event_ms: int | None) -> int | None:
        """The last closed bucket once the latest event time read is `max_event_ms` (None: nothing read yet)."""
        if max_event_ms is None:
            return None
        return (max_event_ms - self.lateness_ms) // self.size_ms - 1

    def windows(self) -> tuple[Window, ...]:
        """The bucket itself, and hopping by one bucket the hour and the day that end with it."""
        return (
            Window("bucket", 1),
            Window("hour", HOUR_SECONDS // self.seconds),
            Window("day", DAY_SECONDS // self.seconds),
        )


def parse_time_ms(value: object) -> int | None:
    """An RFC 3339 date-time with an offset as epoch milliseconds; None when absent or unreadable."""
    if not isinstance(value, str) or len(value) < 20:
        return None
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return int(parsed.timestamp() * 1000)


def event_time_ms(published_at: object, timestamp_ms: int | None) -> int | None:
    """`published_at` when present and readable, else the record's timestamp (None: neither)."""
    published = parse_time_ms(published_at)
    has_timestamp = timestamp_ms is not None and timestamp_ms >= 0
    if published is None:
        return timestamp_ms if has_timestamp else None
    if has_timestamp and timestamp_ms is not None and published > timestamp_ms + FUTURE_TOLERANCE_MS:
        return timestamp_ms
    return published


def iso(ms: int) -> str:
    """Epoch milliseconds as RFC 3339 in UTC, to the second (bucket bounds are whole seconds)."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
