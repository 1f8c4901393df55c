"""The entity resources as one memory-mapped lexicon: normalized words and what is known of each.

Parsing the resources' text files into dicts took about 1.5 s and 86 MB at every start. The lexicon
holds the same facts in numpy arrays that are mapped, not read: a process pays only for the pages
its lookups touch. `python -m lab.compile_resources` writes it from the resource files.

Files (`.npy`), one row per key, keys ordered by their UTF-8 bytes:
- `lexicon.keys.npy`: the keys' UTF-8 bytes, end to end (uint8); `lexicon.offsets.npy`: where key i
  starts, and one more for the end (uint32);
- `lexicon.slots.npy`: an open-addressing hash table over the keys (int32, -1 where empty, at most
  half full): a key is looked for from slot `zlib.crc32(key) & (len - 1)` on, one slot at a time;
- `lexicon.counts.npy`: corpus count (uint32, 0 when the word is not among the counted ones);
- `lexicon.clusters.npy`: cluster id per granularity (int16, -1 when the word is not clustered);
- `lexicon.gazetteer.npy`: gazetteer types as a bit mask (uint8, bit i for the i-th of `types`).
`lexicon.json` names the cluster columns and gazetteer types, the longest gazetteer entry in words,
the normalizer, the fingerprint of the resource files compiled, and each array file's sha256, checked
at load: a damaged or swapped file is refused (ModelIntegrityError) rather than read.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workers.ner.models import check_normalizer
from workers.text.mapped import open_arrays

METADATA_FILE = "lexicon.json"
ARRAYS = ("keys", "offsets", "slots", "counts", "clusters", "gazetteer")
NO_CLUSTER = -1
EMPTY_SLOT = -1


def array_name(name: str) -> str:
    """The lexicon's array `name` as `text.mapped` stores it (in `<array name>.npy`)."""
    return f"lexicon.{name}"


def slot_of(key: bytes, slot_count: int) -> int:
    """The first slot to look for `key` in (`slot_count` is a power of two): the same in every process."""
    return zlib.crc32(key) & (slot_count - 1)


@dataclass(frozen=True)
class Lexicon:
    """Lookups by normalized word over the mapped arrays; `open_lexicon` opens one."""

    keys: npt.NDArray[np.uint8]
    offsets: npt.NDArray[np.uint32]
    slots: npt.NDArray[np.int32]
    counts: npt.NDArray[np.uint32]
    clusters: npt.NDArray[np.int16]
    gazetteer: npt.NDArray[np.uint8]
    cluster_columns: tuple[str, ...]
    gazetteer_types: tuple[str, ...]
    longest_entry: int
    #: The fingerprint of the resource files the lexicon was compiled from (`features.feature_config`).
    resources_sha256: str | None

    @cached_property
    def _views(self) -> tuple[memoryview, memoryview, memoryview]:
        # Indexing a memoryview gives a Python int or a slice in about 40 ns, ten times less than a
        # numpy scalar read: a lookup makes several of them.
        return self.keys.data, self.offsets.data, self.slots.data

    def __len__(self) -> int:
        return len(self.counts)

    def index(self, word: str) -> int:
        """The row of `word`, -1 when it is not a key."""
        keys, offsets, slots = self._views
        key = word.encode("utf-8", "surrogatepass")
        mask = len(slots) - 1
        slot = zlib.crc32(key) & mask
        while (row := slots[slot]) != EMPTY_SLOT:
            if keys[offsets[row] : offsets[row + 1]] == key:
                return row
            slot = (slot + 1) & mask
        return -1

    def key(self, row: int) -> str:
        """The word of `row`."""
        keys, offsets, _ = self._views
        return bytes(keys[offsets[row] : offsets[row + 1]]).decode("utf-8", "surrogatepass")


def open_lexicon(directory: Path) -> Lexicon:
    """Map the lexicon of `directory` after checking its files' digests and its normalizer.

    Raises FileNotFoundError without a lexicon, ModelIntegrityError for a file that is missing or does
    not match its recorded sha256, NormalizerMismatchError for one built with another normalizer.
    """
    metadata, arrays = open_arrays(directory, METADATA_FILE, [array_name(name) for name in ARRAYS])
    check_normalizer(metadata, directory / METADATA_FILE)
    return Lexicon(
        **{name: arrays[array_name(name)] for name in ARRAYS},
        cluster_columns=tuple(metadata["cluster_columns"]),
        gazetteer_types=tuple(metadata["gazetteer_types"]),
        longest_entry=int(metadata["longest_entry"]),
        resources_sha256=metadata.get("resources_sha256"),
    )


class WordCounts(Mapping[str, int]):
    """word → corpus count, for the words that have one."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._counts = lexicon.counts.data

    def get(self, word: str, default: Any = None) -> Any:
        row = self._lexicon.index(word)
        count = self._counts[row] if row >= 0 else 0
        return count if count else default

    def __getitem__(self, word: str) -> int:
        count: int | None = self.get(word)
        if count is None:
            raise KeyError(word)
        return count

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        return (self._lexicon.key(row) for row in np.flatnonzero(self._lexicon.counts).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._lexicon.counts))


class Clusters(Mapping[str, tuple[str, ...]]):
    """word → its cluster ids prefixed by their column ("k100:37"), coarse to fine, for clustered words."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._ids = lexicon.clusters.data
        # One string per (column, id), made when first seen: equal ids share one object.
        self._names: dict[tuple[int, int], str] = {}

    def get(self, word: str, default: Any = None) -> Any:
        row = self._lexicon.index(word)
        if row < 0 or self._ids[row, 0] == NO_CLUSTER:
            return default
        names, columns = self._names, self._lexicon.cluster_columns
        ids = []
        for level, column in enumerate(columns):
            cluster = self._ids[row, level]
            name = names.get((level, cluster))
            if name is None:
                name = names[level, cluster] = f"{column}:{cluster}"
            ids.append(name)
        return tuple(ids)

    def __getitem__(self, word: str) -> tuple[str, ...]:
        ids: tuple[str, ...] | None = self.get(word)
        if ids is None:
            raise KeyError(word)
        return ids

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        rows = np.flatnonzero(self._lexicon.clusters[:, 0] != NO_CLUSTER).tolist()
        return (self._lexicon.key(row) for row in rows)

    def __len__(self) -> int:
        return int(np.count_nonzero(self._lexicon.clusters[:, 0] != NO_CLUSTER))


class Gazetteer(Mapping[str, frozenset[str]]):
    """entry → its gazetteer types, for the entries of the gazetteer."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._masks = lexicon.gazetteer.data
        types = lexicon.gazetteer_types
        self._sets = [
            frozenset(name for bit, name in enumerate(types) if mask >> bit & 1) for mask in range(1 << len(types))
        ]

    def get(self, entry: str, default: Any = None) -> Any:
        row = self._lexicon.index(entry)
        mask = self._masks[row] if row >= 0 else 0
        return self._sets[mask] if mask else default

    def __getitem__(self, entry: str) -> frozenset[str]:
        types: frozenset[str] | None = self.get(entry)
        if types is None:
            raise KeyError(entry)
        return types

    def __contains__(self, entry: object) -> bool:
        return isinstance(entry, str) and self.get(entry) is not None

    def __iter__(self) -> Iterator[str]:
        return (self._lexicon.key(row) for row in np.flatnonzero(self._lexicon.gazetteer).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._lexicon.gazetteer))
