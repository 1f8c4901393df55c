"""Lexical resources for the entity tagger: word clusters, corpus word counts and gazetteers.

All keys are normalized words (`workers.text.normalize.normalize_arabic_word`); multi-word gazetteer
entries are normalized tokens joined by one space. Load once per process:

    resources = load_resources()              # cached; the shipped files in data/
    resources.clusters.get(word, ())          # cluster ids, coarse to fine: ("k100:37", "k500:211", ...)
    resources.word_count(word)                # corpus frequency, 0 when rare or unseen
    resources.split_proclitic(word)           # ("ل", "وزاره") for "لوزاره": clitic and stem
    resources.gazetteer_types("القاهره")      # frozenset({"LOC"})
    resources.gazetteer_matches(tokens)       # [(start, end, type)] over a normalized token list

Gazetteer types: PER_first, PER_last, PER (a name part of unknown role, or a full name), LOC, ORG.
The files are built by `python -m lab.build_resources` (see docs/RESOURCES.md), whose manifest records
the normalizer version they were built with; another one than the running one is refused at load.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workers.ner.models import check_normalizer, read_json_object
from workers.text.clitics import proclitic_readings

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
WORD_COUNTS_FILE = "word_counts.tsv.gz"
CLUSTERS_FILE = "clusters.tsv.gz"
GAZETTEER_FILE = "gazetteer.tsv.gz"
MANIFEST_FILE = "manifest.json"

# A stem must be at least this frequent, and this many times as frequent as the whole word.
MIN_STEM_COUNT = 10
STEM_TO_WHOLE_RATIO = 2
#: Letters left after the proclitics as written, both lams of «لل» counted as the clitic's.
MIN_STEM_LENGTH = 3


@dataclass(frozen=True)
class Resources:
    """Read-only lookups over the resource files; build with `load_resources`."""

    clusters: Mapping[str, tuple[str, ...]]
    word_counts: Mapping[str, int]
    gazetteer: Mapping[str, frozenset[str]]
    longest_entry: int

    def word_count(self, word: str) -> int:
        """How often the normalized `word` occurs in the corpus (0 when it is not among the kept words)."""
        return self.word_counts.get(word, 0)

    def split_proclitic(self, word: str) -> tuple[str, str]:
        """Split proclitics off `word` when the corpus says they are clitics: (clitics as written, stem).

        The longest reading of `workers.text.clitics.proclitic_readings` is taken whose stem is a
        frequent word on its own and at least twice as frequent as the whole: "لوزاره" → ("ل",
        "وزاره"), "للخارجيه" → ("لل", "الخارجيه"), while "وزاره" stays ("", "وزاره"). A word that
        is itself a gazetteer entry is never split: counts alone would read "كمال" as ك + "مال" and
        "وليد" as ول + "يد".
        """
        if word in self.gazetteer:
            return "", word
        whole = self.word_count(word)
        for reading in proclitic_readings(word, MIN_STEM_LENGTH):
            if len(word) - len(reading.written) < MIN_STEM_LENGTH:
                continue  # «لل» + two letters: the features the models were trained on never split it
            stem_count = self.word_count(reading.stem)
            if stem_count >= MIN_STEM_COUNT and stem_count >= STEM_TO_WHOLE_RATIO * whole:
                return reading.written, reading.stem
        return "", word

    def gazetteer_types(self, entry: str) -> frozenset[str]:
        """Types of a normalized word or space-joined phrase in the gazetteers; empty when absent."""
        return self.gazetteer.get(entry, frozenset())

    def gazetteer_matches(self, tokens: Sequence[str]) -> list[tuple[int, int, str]]:
        """Every gazetteer entry found in normalized `tokens`, as (start, end, type), end exclusive.

        Matches may overlap or nest ("عبد" and "عبد الله"); the tagger's features decide which counts.
        Entries carry no clitics, so pass stems (`split_proclitic`) to find "بالقاهره" as "القاهره".
        """
        matches = []
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + self.longest_entry, len(tokens)) + 1):
                for entry_type in sorted(self.gazetteer_types(" ".join(tokens[start:end]))):
                    matches.append((start, end, entry_type))
        return matches


def tsv_rows(path: Path) -> Iterator[list[str]]:
    """Tab-separated fields of each line of a gzip text file."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield line.rstrip("\n").split("\t")


def read_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """Word → cluster ids prefixed by their column ("k100:37"), so ids of two sizes never collide."""
    rows = tsv_rows(path)
    header = next(rows)
    columns = header[1:]
    interned: dict[str, str] = {}
    clusters = {}
    for word, *ids in rows:
        clusters[word] = tuple(
            interned.setdefault(f"{column}:{cluster}", f"{column}:{cluster}")
            for column, cluster in zip(columns, ids, strict=True)
        )
    return clusters


def read_gazetteer(path: Path) -> dict[str, frozenset[str]]:
    """Entry → the set of its types over all sources."""
    types: dict[str, set[str]] = {}
    for entry, entry_type, _source in tsv_rows(path):
        types.setdefault(entry, set()).add(entry_type)
    return {entry: frozenset(entry_types) for entry, entry_types in types.items()}


def read_manifest(directory: Path) -> dict[str, Any]:
    """What the builder recorded about the resource files of `directory` (empty without a manifest)."""
    return read_json_object(directory / MANIFEST_FILE)


def load_resources(data_dir: Path | None = None) -> Resources:
    """Read the resource files once per process (and per directory); None means the shipped files."""
    return read_resources((DEFAULT_DATA_DIR if data_dir is None else data_dir).resolve())


@cache
def read_resources(directory: Path) -> Resources:
    """Read every resource file of `directory`; a missing gazetteer reads as an empty one.

    Raises NormalizerMismatchError when the manifest records another normalizer than the running one.
    """
    check_normalizer(read_manifest(directory), directory / MANIFEST_FILE)
    gazetteer = read_gazetteer(directory / GAZETTEER_FILE) if (directory / GAZETTEER_FILE).exists() else {}
    resources = Resources(
        clusters=read_clusters(directory / CLUSTERS_FILE),
        word_counts={word: int(count) for word, count in tsv_rows(directory / WORD_COUNTS_FILE)},
        gazetteer=gazetteer,
        longest_entry=max((entry.count(" ") + 1 for entry in gazetteer), default=0),
    )
    logger.info(
        "loaded entity resources from %s: %d clustered words, %d counted words, %d gazetteer entries",
        directory,
        len(resources.clusters),
        len(resources.word_counts),
        len(resources.gazetteer),
    )
    return resources
