"""The story index: the signatures of the articles of the last `horizon` seconds, and the two answers.

`duplicate_of` — the earliest article (by time, then id) within the horizon whose estimated Jaccard
similarity with the new one is at least `duplicate_threshold`; when that article is itself a
duplicate, its own original (a republication of a republication republishes the same original).

`story_id` — a near-duplicate is in its original's story. Otherwise the article joins the story of
the most similar earlier article within `story_window` seconds that is related to it: similarity at
least `story_threshold`, or at least `shared_entities` salient entities in common and similarity at
least `entity_story_threshold`. An article related to none starts a story, whose id is its own id.

Candidates come from the LSH bands (`minhash.band_keys`) and from the postings of the salient
entities (the latest `max_postings` articles of each; an article in the postings of at least
`shared_entities` of them), and are compared by their whole signatures.

Deterministic: the answers depend only on the entries present, never on dict or set order, and
entries expire when the latest time added is more than `horizon` past them. Two workers that add
the same entries in the same order hold the same index.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

import numpy as np

from workers.stories.entry import Entry
from workers.stories.minhash import BANDS, ROWS, Signature, band_keys

#: Defaults, chosen on the tuning half of the evaluation set by the best F0.5, precision weighing twice recall
#: (`python -m lab.evaluate_duplicates`); the stream layer will read them from KHABAR_DUPLICATE_THRESHOLD and
#: its neighbours. 0.35: the republications' 5th percentile is 0.38, follow-ups reach 0.40.
DUPLICATE_THRESHOLD = 0.35
#: Text alone, and with SHARED_ENTITIES salient entities in common (entities of the shipped pipeline).
#: 0.1 is 2.5 times the most similar pair of unrelated originals (0.04); 0.03 with entities joins
#: unrelated articles, 0.1 misses follow-ups.
STORY_THRESHOLD = 0.1
ENTITY_STORY_THRESHOLD = 0.05
SHARED_ENTITIES = 2
#: Six hours: a wire story's republications come within hours.
HORIZON = 6 * 3600.0
STORY_WINDOW = HORIZON
#: Fewer shingles make a signature of a few words: such an article is never matched nor indexed.
MIN_SHINGLES = 5
MAX_POSTINGS = 256

Key = TypeVar("Key", str, int)


@dataclass(frozen=True, slots=True)
class StorySettings:
    """The index's thresholds and windows (similarities in [0, 1], times in seconds)."""

    duplicate_threshold: float = DUPLICATE_THRESHOLD
    story_threshold: float = STORY_THRESHOLD
    entity_story_threshold: float = ENTITY_STORY_THRESHOLD
    shared_entities: int = SHARED_ENTITIES
    horizon: float = HORIZON
    story_window: float = STORY_WINDOW
    min_shingles: int = MIN_SHINGLES
    max_postings: int = MAX_POSTINGS
    bands: int = BANDS
    rows: int = ROWS

    def __post_init__(self) -> None:
        if not 0 < self.entity_story_threshold <= self.story_threshold <= self.duplicate_threshold <= 1:
            raise ValueError("thresholds must satisfy 0 < entity story ≤ story ≤ duplicate ≤ 1")
        if self.horizon <= 0 or not 0 < self.story_window <= self.horizon:
            raise ValueError("the story window must be positive and within the horizon")


class StoryIndex:
    """Entries of the last `horizon` seconds, looked up by LSH band and by salient entity."""

    def __init__(self, settings: StorySettings | None = None) -> None:
        self.settings = settings or StorySettings()
        self._entries: dict[str, Entry] = {}
        # A band key's articles: one id (most keys) or a list of them, to keep an entry's 32 keys small.
        self._bands: dict[int, str | list[str]] = {}
        self._postings: dict[str, list[str]] = {}
        self._by_time: list[tuple[float, str]] = []
        self._latest = float("-inf")

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def get(self, article_id: str) -> Entry | None:
        return self._entries.get(article_id)

    def entries(self) -> Iterator[Entry]:
        """The entries by time, then id."""
        return iter(sorted(self._entries.values(), key=lambda entry: (entry.time, entry.article_id)))

    def referenced(self) -> set[str]:
        """Every article id the band and entity dicts still hold: the entries', once expiry has cleaned up."""
        held = {article for value in self._bands.values() for article in ([value] if isinstance(value, str) else value)}
        return held | {article for posting in self._postings.values() for article in posting}

    def decide(
        self, article_id: str, signature: Signature, time: float, entities: Iterable[str] = (), shingles: int = 0
    ) -> Entry:
        """The entry of a new article, with its `duplicate_of` and `story_id`; the index is unchanged.

        An article already in the index (a redelivery) gets the entry it got the first time.
        """
        known = self._entries.get(article_id)
        if known is not None:
            return known
        keys = tuple(entities)
        own_story = Entry(article_id, time, signature, shingles, keys, article_id)
        if shingles < self.settings.min_shingles:
            return own_story
        candidates = self._candidates(article_id, signature, time, keys)
        if not candidates:
            return own_story
        stacked = np.stack([candidate.signature for candidate in candidates])
        similarities = np.count_nonzero(stacked == signature, axis=1) / signature.shape[0]
        settings = self.settings
        duplicates = [c for c, s in zip(candidates, similarities, strict=True) if s >= settings.duplicate_threshold]
        if duplicates:
            original = min(duplicates, key=lambda entry: (entry.time, entry.article_id))
            root = original.duplicate_of or original.article_id
            return Entry(article_id, time, signature, shingles, keys, original.story_id, root)
        best: tuple[float, float, str] | None = None
        story = article_id
        for candidate, similarity in zip(candidates, similarities, strict=True):
            if abs(candidate.time - time) > settings.story_window or not self._related(keys, candidate, similarity):
                continue
            rank = (-similarity, candidate.time, candidate.article_id)
            if best is None or rank < best:
                best, story = rank, candidate.story_id
        return Entry(article_id, time, signature, shingles, keys, story)

    def add(self, entry: Entry) -> None:
        """Remember an entry (decided here or read from another worker's record), then expire old ones."""
        if entry.article_id in self._entries:
            return
        self._latest = max(self._latest, entry.time)
        if entry.time >= self._latest - self.settings.horizon and entry.shingles >= self.settings.min_shingles:
            self._entries[entry.article_id] = entry
            heapq.heappush(self._by_time, (entry.time, entry.article_id))
            for key in band_keys(entry.signature, self.settings.bands, self.settings.rows):
                held = self._bands.get(key)
                if held is None:
                    self._bands[key] = entry.article_id
                elif isinstance(held, str):
                    self._bands[key] = [held, entry.article_id]
                else:
                    held.append(entry.article_id)
            for entity in entry.entities if self.settings.max_postings else ():
                posting = self._postings.setdefault(entity, [])
                posting.append(entry.article_id)
                if len(posting) > self.settings.max_postings:
                    del posting[0]
        self.expire()

    def observe(
        self, article_id: str, signature: Signature, time: float, entities: Iterable[str] = (), shingles: int = 0
    ) -> Entry:
        """`decide`, then `add`: what a worker does with each article it enriches."""
        entry = self.decide(article_id, signature, time, entities, shingles)
        self.add(entry)
        return entry

    def expire(self) -> None:
        """Forget the entries more than `horizon` older than the latest time added."""
        limit = self._latest - self.settings.horizon
        while self._by_time and self._by_time[0][0] < limit:
            _, article_id = heapq.heappop(self._by_time)
            entry = self._entries.pop(article_id)
            for key in band_keys(entry.signature, self.settings.bands, self.settings.rows):
                held = self._bands.get(key)
                if held == article_id:
                    del self._bands[key]
                elif isinstance(held, list):
                    _remove(self._bands, key, held, article_id)
            for entity in entry.entities:
                posting = self._postings.get(entity)
                if posting is not None:
                    _remove(self._postings, entity, posting, article_id)

    def _candidates(self, article_id: str, signature: Signature, time: float, keys: tuple[str, ...]) -> list[Entry]:
        """Entries within the horizon of `time` that share a band or a salient entity, by time then id."""
        found: set[str] = set()
        for key in band_keys(signature, self.settings.bands, self.settings.rows):
            held = self._bands.get(key)
            if isinstance(held, str):
                found.add(held)
            elif held is not None:
                found.update(held)
        if len(keys) >= self.settings.shared_entities:
            # Only the articles in the postings of enough of the salient entities: the entity rule's candidates.
            shared = Counter(chain.from_iterable(self._postings.get(entity, ()) for entity in set(keys)))
            found.update(found_id for found_id, count in shared.items() if count >= self.settings.shared_entities)
        found.discard(article_id)
        horizon = self.settings.horizon
        chosen = [self._entries[found_id] for found_id in found]
        chosen = [entry for entry in chosen if abs(entry.time - time) <= horizon]
        return sorted(chosen, key=lambda entry: (entry.time, entry.article_id))

    def _related(self, keys: tuple[str, ...], candidate: Entry, similarity: float) -> bool:
        settings = self.settings
        if similarity >= settings.story_threshold:
            return True
        if similarity < settings.entity_story_threshold:
            return False
        return len(set(keys) & set(candidate.entities)) >= settings.shared_entities


def _remove(postings: dict[Key, Any], key: Key, posting: list[str], article_id: str) -> None:
    """`article_id` out of the list `postings[key]`; the key out when the list is left empty."""
    if article_id in posting:
        posting.remove(article_id)
    if not posting:
        del postings[key]
