"""The story index in compact arrays: the answers of `index.StoryIndex`, at a quarter of its memory.

`StoryIndex` keeps each entry as Python objects: 48 band keys in a dict (some 70 bytes a key), the
entry, its signature array and a heap item, about 4.6 kB an entry (tracemalloc). Here an entry is a row:

- its signature in one preallocated `uint32` matrix (512 bytes), its time and shingle count in arrays;
- its slot in 48 band tables (one per band) of `DEPTH` cells per bucket (0 = empty, else slot + 1:
  `uint16` up to 65,535 entries, `uint32` past that), about 192 bytes an entry at the bound; a full
  bucket's further slots in a small overflow dict. A bucket is a hash of the band's values; slots found
  in it are kept only when the band's values are equal in both signatures, so the candidates are exactly
  those that share a band with the article, as in `StoryIndex` (whose 63-bit band keys may, once in
  2^63, add one more);
- its id, story id and `duplicate_of` in lists (a story id or an original's id is one string object
  shared by every member), its salient entities as a tuple of strings shared with the postings' keys.

Bounds: entries older than `horizon` before the latest time added are forgotten (as in `StoryIndex`),
and past `max_entries` the oldest (by time, then id) are dropped first. The arrays are allocated for
`max_entries` at once (the signatures' pages are mapped as they are written). The entries kept are
always the `max_entries` newest of those within the horizon, and an entity's postings the
`max_postings` newest of them, whatever order the entries were added in: two workers that add the
same entries in any order answer alike.

One deliberate difference from `StoryIndex`: an article decided again (after a crash its entry may
never have reached the topic, while later entries that name it did) is not made a duplicate of an
article that names it as its own original; it is their original again.
"""

from __future__ import annotations

import bisect
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain

import numpy as np
import numpy.typing as npt

from workers.stories.entry import Entry
from workers.stories.index import StorySettings
from workers.stories.minhash import PERMUTATIONS, Signature

#: Cells per bucket of a band table; buckets per band are half the capacity (two entries a bucket on average).
DEPTH = 4
#: Entries held at most by default (`KHABAR_STORY_MAX_ENTRIES`): about 36 MB at 1.1 kB an entry, 2 a bucket.
MAX_ENTRIES = 32_768
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=np.uint64)


class CompactStoryIndex:
    """`StoryIndex`'s `decide`, `add` and `observe` over arrays, bounded by the horizon and `max_entries`."""

    def __init__(self, settings: StorySettings | None = None, max_entries: int = MAX_ENTRIES) -> None:
        self.settings = settings or StorySettings()
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if self.settings.rows > len(_MIX):
            raise ValueError(f"at most {len(_MIX)} rows a band")
        self.max_entries = max_entries
        self._bands, self._rows = self.settings.bands, self.settings.rows
        self._slot_of: dict[str, int] = {}
        self._ids: list[str | None]
        self._stories: list[str]
        self._duplicates: list[str | None]
        self._entities: list[tuple[str, ...]]
        self._postings: dict[str, list[int]] = {}
        self._overflow: dict[tuple[int, int], list[int]] = {}
        self._free: list[int] = []
        self._latest = float("-inf")
        self._allocate(max_entries)

    # --- what the index holds ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._slot_of

    def get(self, article_id: str) -> Entry | None:
        slot = self._slot_of.get(article_id)
        return None if slot is None else self._entry(slot)

    def entries(self) -> Iterator[Entry]:
        """The entries by time, then id."""
        slots = sorted(self._slot_of.values(), key=self._order)
        return (self._entry(slot) for slot in slots)

    def memory_bytes(self) -> int:
        """The arrays' bytes and an estimate of the Python objects': what the index holds in memory."""
        arrays = self._signatures.nbytes + self._times.nbytes + self._shingles.nbytes + self._table.nbytes
        lists = sum(sys.getsizeof(value) for value in (self._ids, self._stories, self._duplicates, self._entities))
        objects = sys.getsizeof(self._slot_of) + sum(sys.getsizeof(article) for article in self._slot_of)
        postings = sys.getsizeof(self._postings) + sum(sys.getsizeof(p) for p in self._postings.values())
        return arrays + lists + objects + postings + sum(sys.getsizeof(e) for e in self._entities)

    # --- deciding ------------------------------------------------------------------------------

    def decide(
        self, article_id: str, signature: Signature, time: float, entities: Iterable[str] = (), shingles: int = 0
    ) -> Entry:
        """The entry of a new article, with its `duplicate_of` and `story_id`; the index is unchanged.

        An article already in the index (a redelivery) gets the entry it got the first time.
        """
        known = self.get(article_id)
        if known is not None:
            return known
        keys = tuple(entities)
        own_story = Entry(article_id, time, signature, shingles, keys, article_id)
        settings = self.settings
        if shingles < settings.min_shingles:
            return own_story
        slots = self._candidates(article_id, signature, time, keys)
        if not slots:
            return own_story
        named_by = [slot for slot in slots if self._duplicates[slot] == article_id]
        if named_by:  # decided before, as their original: the first answer again
            return Entry(article_id, time, signature, shingles, keys, self._stories[named_by[0]])
        similarities = np.count_nonzero(self._signatures[slots] == signature, axis=1) / signature.shape[0]
        duplicates = [slot for slot, s in zip(slots, similarities, strict=True) if s >= settings.duplicate_threshold]
        if duplicates:
            original = duplicates[0]  # the candidates are in time, then id, order
            root = self._duplicates[original] or self._ids[original]
            return Entry(article_id, time, signature, shingles, keys, self._stories[original], root)
        best: tuple[float, float, str] | None = None
        story = article_id
        for slot, similarity in zip(slots, similarities, strict=True):
            candidate_time = float(self._times[slot])
            if abs(candidate_time - time) > settings.story_window or not self._related(keys, slot, similarity):
                continue
            rank = (-float(similarity), candidate_time, self._ids[slot] or "")
            if best is None or rank < best:
                best, story = rank, self._stories[slot]
        return Entry(article_id, time, signature, shingles, keys, story)

    def observe(
        self, article_id: str, signature: Signature, time: float, entities: Iterable[str] = (), shingles: int = 0
    ) -> Entry:
        """`decide`, then `add`: what a worker does with each article it enriches."""
        entry = self.decide(article_id, signature, time, entities, shingles)
        self.add(entry)
        return entry

    # --- adding and forgetting -------------------------------------------------------------------

    def add(self, entry: Entry) -> None:
        """Remember an entry (decided here or read from another worker's record), then expire old ones."""
        if entry.article_id in self._slot_of:
            return
        self._latest = max(self._latest, entry.time)
        if entry.time < self._latest - self.settings.horizon or entry.shingles < self.settings.min_shingles:
            self.expire()
            return
        if len(self._slot_of) >= self.max_entries:
            oldest = self._oldest()
            if (entry.time, entry.article_id) < self._order(oldest):
                return  # older than everything kept: it would be the first to go
            self._drop(oldest)
        slot = self._free.pop()
        self._signatures[slot] = entry.signature
        self._times[slot] = entry.time
        self._shingles[slot] = entry.shingles
        self._ids[slot] = entry.article_id
        self._slot_of[entry.article_id] = slot
        self._stories[slot] = self._shared(entry.story_id)
        self._duplicates[slot] = None if entry.duplicate_of is None else self._shared(entry.duplicate_of)
        self._entities[slot] = tuple(self._post(entity, slot) for entity in dict.fromkeys(entry.entities))
        self._insert(slot, self._buckets(entry.signature[None, :])[0])
        self.expire()

    def expire(self) -> None:
        """Forget the entries more than `horizon` older than the latest time added."""
        limit = self._latest - self.settings.horizon
        expired = np.flatnonzero((self._times < limit) & self._live)
        for slot in expired.tolist():
            self._drop(slot)

    # --- internals -----------------------------------------------------------------------------

    def _allocate(self, capacity: int) -> None:
        """Every array at its final size, once: zeros are mapped lazily, so the signatures' memory grows with
        the entries; arrays grown by doubling left the freed ones in the heap (glibc raises its mmap
        threshold past a freed block), which measured 50 MB more resident at 20,000 entries."""
        self._signatures = np.zeros((capacity, PERMUTATIONS), dtype=np.uint32)
        self._times = np.full(capacity, np.inf)  # an empty slot never expires and is never a candidate
        self._shingles = np.zeros(capacity, dtype=np.int32)
        self._live = np.zeros(capacity, dtype=bool)
        self._buckets_per_band = 1 << max(1, (capacity // 2 - 1).bit_length())
        cell = np.uint16 if capacity < np.iinfo(np.uint16).max else np.uint32
        self._table = np.zeros((self._bands, self._buckets_per_band, DEPTH), dtype=cell)
        self._ids = [None] * capacity
        self._stories = [""] * capacity
        self._duplicates = [None] * capacity
        self._entities = [()] * capacity
        self._free = list(range(capacity - 1, -1, -1))

    def _buckets(self, signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        """Each band's bucket of each signature: a multiply-shift hash of the band's values."""
        count = signatures.shape[0]
        values = signatures[:, : self._bands * self._rows].reshape(count, self._bands, self._rows).astype(np.uint64)
        mixed = np.arange(self._bands, dtype=np.uint64) * _MIX[-1]
        for row in range(self._rows):
            mixed = (mixed + values[:, :, row]) * _MIX[row]
        shift = np.uint64(64 - (self._buckets_per_band.bit_length() - 1))
        return (mixed >> shift).astype(np.int64)

    def _insert(self, slot: int, buckets: npt.NDArray[np.int64]) -> None:
        self._live[slot] = True
        bands = np.arange(self._bands)
        cells = self._table[bands, buckets]
        empty = cells == 0
        has_room = empty.any(axis=1)
        first = empty.argmax(axis=1)
        self._table[bands[has_room], buckets[has_room], first[has_room]] = slot + 1
        for band in np.flatnonzero(~has_room).tolist():
            self._overflow.setdefault((band, int(buckets[band])), []).append(slot)

    def _drop(self, slot: int) -> None:
        article_id = self._ids[slot]
        assert article_id is not None
        del self._slot_of[article_id]
        buckets = self._buckets(self._signatures[slot][None, :])[0]
        bands = np.arange(self._bands)
        cells = self._table[bands, buckets]
        band, depth = np.nonzero(cells == slot + 1)
        self._table[band, buckets[band], depth] = 0
        if self._overflow:
            for missing in np.setdiff1d(bands, band).tolist():
                key = (missing, int(buckets[missing]))
                held = self._overflow.get(key)
                if held is not None and slot in held:
                    held.remove(slot)
                    if not held:
                        del self._overflow[key]
        for entity in self._entities[slot]:
            posting = self._postings.get(entity)
            if posting is not None and slot in posting:
                posting.remove(slot)
                if not posting:
                    del self._postings[entity]
        self._live[slot] = False
        self._times[slot] = np.inf
        self._ids[slot], self._stories[slot], self._duplicates[slot], self._entities[slot] = None, "", None, ()
        self._free.append(slot)

    def _post(self, entity: str, slot: int) -> str:
        """Add `slot` to the entity's postings (the `max_postings` newest kept); the entity as one shared string."""
        entity = sys.intern(entity)
        if self.settings.max_postings:
            posting = self._postings.setdefault(entity, [])
            bisect.insort(posting, slot, key=self._order)  # oldest first
            if len(posting) > self.settings.max_postings:
                del posting[0]
        return entity

    def _shared(self, article_id: str) -> str:
        """The id object an entry already holds, when one does: a story's members share one string."""
        slot = self._slot_of.get(article_id)
        held = None if slot is None else self._ids[slot]
        return held if held is not None else article_id

    def _oldest(self) -> int:
        """The slot of the oldest entry (by time, then id)."""
        earliest = self._times.min()
        return min(np.flatnonzero(self._times == earliest).tolist(), key=self._order)

    def _order(self, slot: int) -> tuple[float, str]:
        return float(self._times[slot]), self._ids[slot] or ""

    def _candidates(self, article_id: str, signature: Signature, time: float, keys: tuple[str, ...]) -> list[int]:
        """Slots within the horizon of `time` that share a band or enough salient entities, by time then id."""
        bands, rows = self._bands, self._rows
        buckets = self._buckets(signature[None, :])[0]
        cells = self._table[np.arange(bands), buckets]
        band, depth = np.nonzero(cells)
        band_of = [band]
        slot_of = [cells[band, depth].astype(np.int64) - 1]
        if self._overflow:
            for number, bucket in enumerate(buckets.tolist()):
                held = self._overflow.get((number, bucket))
                if held:
                    band_of.append(np.full(len(held), number))
                    slot_of.append(np.array(held, dtype=np.int64))
        all_bands, all_slots = np.concatenate(band_of), np.concatenate(slot_of)
        found: set[int] = set()
        if len(all_slots):
            theirs = self._signatures[all_slots, : bands * rows].reshape(len(all_slots), bands, rows)
            ours = signature[: bands * rows].reshape(bands, rows)
            equal = (theirs[np.arange(len(all_slots)), all_bands] == ours[all_bands]).all(axis=1)
            found.update(all_slots[equal].tolist())
        if len(keys) >= self.settings.shared_entities:
            shared = Counter(chain.from_iterable(self._postings.get(entity, ()) for entity in set(keys)))
            found.update(slot for slot, count in shared.items() if count >= self.settings.shared_entities)
        found.discard(self._slot_of.get(article_id, -1))
        horizon = self.settings.horizon
        chosen = [slot for slot in found if abs(float(self._times[slot]) - time) <= horizon]
        return sorted(chosen, key=self._order)

    def _related(self, keys: tuple[str, ...], slot: int, similarity: float) -> bool:
        settings = self.settings
        if similarity >= settings.story_threshold:
            return True
        if similarity < settings.entity_story_threshold:
            return False
        return len(set(keys) & set(self._entities[slot])) >= settings.shared_entities

    def _entry(self, slot: int) -> Entry:
        article_id = self._ids[slot]
        assert article_id is not None
        return Entry(
            article_id,
            float(self._times[slot]),
            self._signatures[slot].copy(),
            int(self._shingles[slot]),
            self._entities[slot],
            self._stories[slot],
            self._duplicates[slot],
        )
