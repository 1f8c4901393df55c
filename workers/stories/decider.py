"""An enriched article's `duplicate_of` and `story_id`, decided against an index that two threads share.

The worker's enrichment thread decides (`decide`, then `remember` once the article is published) and
the thread that follows the stories topic adds other workers' entries (`apply`). One lock keeps them
from changing the index at once; each holds it for one article or one record (taking a free lock: 0.28
µs by timeit, against 0.1 to 1 ms a decision), so a follower catching up never holds up the enrichment
for a whole poll. A queue drained by the enrichment thread would have spared the lock, but left the
other workers' entries unapplied while this worker has no input, growing without a bound.
The offline `khabar enrich` uses the same object, without a follower.
"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Iterable, Sequence
from datetime import datetime

from workers.contract.records import DistinctEntity
from workers.stories.compact import CompactStoryIndex
from workers.stories.entities import salient_entity_keys
from workers.stories.entry import Entry
from workers.stories.index import StorySettings
from workers.stories.minhash import signature
from workers.stories.shingles import token_shingle_hashes

#: A `published_at` later than this after the record's own time is a clock error: the record's time counts.
CLOCK_ERROR_SECONDS = 300.0


def event_time(published_at: object, received_at: float) -> float:
    """Seconds since the epoch of an article: its `published_at` (RFC 3339), else `received_at`.

    A `published_at` in the future of `received_at` by more than CLOCK_ERROR_SECONDS would move the
    index's latest time ahead and expire everything: it is not believed.
    """
    if isinstance(published_at, str):
        try:
            published = datetime.fromisoformat(published_at.upper().replace("Z", "+00:00")).timestamp()
        except ValueError:
            return received_at
        if published <= received_at + CLOCK_ERROR_SECONDS:
            return published
    return received_at


class StoryDecider:
    """The index behind a lock: decisions for articles enriched here, entries read from other workers."""

    def __init__(self, index: CompactStoryIndex) -> None:
        self.index = index
        self._lock = threading.Lock()

    @classmethod
    def empty(cls, duplicate_threshold: float, horizon: float, max_entries: int) -> StoryDecider:
        """An empty index of the other defaults, the story window as long as the horizon (the settings')."""
        settings = StorySettings(duplicate_threshold=duplicate_threshold, horizon=horizon, story_window=horizon)
        return cls(CompactStoryIndex(settings, max_entries=max_entries))

    def __len__(self) -> int:
        return len(self.index)

    def decide(
        self,
        article_id: str,
        words: Sequence[Sequence[str]],
        distinct: Iterable[DistinctEntity],
        published_at: object,
        received_at: float | None,
    ) -> Entry:
        """The entry of an enriched article, from its tokens and salient entities; not remembered yet.

        `received_at`: the input record's timestamp (None or negative: now).
        """
        hashes = token_shingle_hashes(words)
        fallback = received_at if received_at is not None and received_at > 0 else clock.time()
        time = event_time(published_at, fallback)
        entities = salient_entity_keys(distinct)
        with self._lock:
            return self.index.decide(article_id, signature(hashes), time, entities, len(hashes))

    def remember(self, entry: Entry) -> bool:
        """Add an entry decided here; True when the index keeps such an entry (it has enough shingles), so
        that it is worth writing for the other workers."""
        with self._lock:
            self.index.add(entry)
        return entry.shingles >= self.index.settings.min_shingles

    def apply(self, entries: Iterable[Entry]) -> None:
        """Add entries read from the topic (another worker's, or this one's own again), one lock at a time."""
        for entry in entries:
            with self._lock:
                self.index.add(entry)
