"""Lexical resources for the entity tagger: word clusters, corpus word counts and gazetteers.

All keys are normalized words (`workers.text.normalize.normalize_arabic_word`); multi-word gazetteer
entries are normalized tokens joined by one space. Load once per process:

    resources = load_resources()              # cached; the shipped lexicon in data/
    resources.clusters.get(word, ())          # cluster ids, coarse to fine: ("k100:37", "k500:211", ...)
    resources.word_count(word)                # corpus frequency, 0 when rare or unseen
    resources.split_proclitic(word)           # ("ل", "وزاره") for "لوزاره": clitic and stem
    resources.gazetteer_types("القاهره")      # frozenset({"LOC"})
    resources.gazetteer_matches(tokens)       # [(start, end, type)] over a normalized token list

Gazetteer types: PER_first, PER_last, PER (a name part of unknown role, or a full name), LOC, ORG.
The files are built by `python -m lab.build_resources` (see docs/RESOURCES.md) and compiled into one
memory-mapped lexicon (`workers.ner.lexicon`), which is what is read here: the lookups touch only the
pages they need. The lexicon records the normalizer version the files were built with; another one
than the running one is refused at load, and so is a lexicon file that does not match its sha256.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workers.ner.lexicon import Clusters, Gazetteer, WordCounts, open_lexicon
from workers.text.clitics import proclitic_readings

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

# A stem must be at least this frequent, and this many times as frequent as the whole word.
MIN_STEM_COUNT = 10
STEM_TO_WHOLE_RATIO = 2
#: Letters left after the proclitics as written, both lams of «لل» counted as the clitic's.
MIN_STEM_LENGTH = 3


@dataclass(frozen=True)
class Resources:
    """Read-only lookups over the resources; `load_resources` gives them over the mapped lexicon
    (tests give small dicts)."""

    clusters: Mapping[str, tuple[str, ...]]
    word_counts: Mapping[str, int]
    gazetteer: Mapping[str, frozenset[str]]
    longest_entry: int
    #: The fingerprint of the resource files, which a model trained with them records.
    resources_sha256: str | None = None

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


def load_resources(data_dir: Path | None = None) -> Resources:
    """Map the lexicon once per process (and per directory); None means the shipped one."""
    return read_resources((DEFAULT_DATA_DIR if data_dir is None else data_dir).resolve())


@cache
def read_resources(directory: Path) -> Resources:
    """Map the lexicon of `directory`.

    Raises NormalizerMismatchError when it records another normalizer than the running one, and
    ModelIntegrityError when one of its files does not match its recorded sha256.
    """
    lexicon = open_lexicon(directory)
    resources = Resources(
        clusters=Clusters(lexicon),
        word_counts=WordCounts(lexicon),
        gazetteer=Gazetteer(lexicon),
        longest_entry=lexicon.longest_entry,
        resources_sha256=lexicon.resources_sha256,
    )
    logger.info("mapped the entity lexicon of %s: %d words and entries", directory, len(lexicon))
    return resources
