"""CRF features: per-word features computed once per word type, composed per position.

Everything that depends on one word alone (its normalized form, clitic-stripped stem, affixes,
shape, and any lexical resources) is computed once per distinct token and cached; tagging a
sentence then only concatenates the cached lists of a window of positions, which keeps feature
extraction cheap enough for thousands of sentences per second.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from workers.text.clitics import ARTICLE, proclitic_split
from workers.text.normalize import normalize_arabic_word

if TYPE_CHECKING:
    from workers.ner.resources import Resources

Features = list[str]

BIAS = "bias"
#: Where a sentence begins and ends, in place of the bigram with a word before or after.
BOS = "BOS"
EOS = "EOS"
PREVIOUS_BIGRAM = "bi-1="
NEXT_BIGRAM = "bi+1="
BIGRAM_SEPARATOR = "|"

logger = logging.getLogger(__name__)

MAX_WORD_CHARS = 32
CACHE_LIMIT = 200_000

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_ALL_DIGITS = re.compile(r"^[\d.,٫٬]+$")
_PUNCTUATION = re.compile(r"^[^\w]+$")


def length_bucket(length: int) -> str:
    """Coarse length classes: very short words are mostly function words, long ones rarely names."""
    if length <= 3:
        return str(length)
    if length <= 5:
        return "4-5"
    return "6-8" if length <= 8 else "9+"


def word_shape(token: str) -> str:
    """Script and character class of a token, so unseen numbers, Latin and symbols generalize."""
    if _ALL_DIGITS.match(token):
        return "num"
    if _PUNCTUATION.match(token):
        return "punct"
    has_arabic = _ARABIC_LETTER.search(token) is not None
    has_latin = _LATIN_LETTER.search(token) is not None
    if has_arabic and has_latin:
        return "mixed"
    if has_latin:
        return "latin-cap" if token[:1].isupper() else "latin"
    if _DIGIT.search(token):
        return "hasdigit"
    return "arabic" if has_arabic else "other"


class WordEntry(NamedTuple):
    """What one word type contributes: its own features, those it lends to the positions at
    offsets -2, -1, +1, +2 from it."""

    own: Features
    to_after_next: Features
    to_next: Features
    to_previous: Features
    to_before_previous: Features


class FeatureExtractor:
    """Turns a token sequence into one feature list per token, with a per-word-type cache."""

    def __init__(self, lexical: ResourceFeatures | None = None) -> None:
        self._lexical = lexical
        self._cache: dict[str, WordEntry] = {}

    def word_features(self, word: str) -> Features:
        """Features of one normalized word on its own."""
        clitics, rest = proclitic_split(word)
        has_article = rest.startswith(ARTICLE) and len(rest) > len(ARTICLE) + 2
        stem = rest[len(ARTICLE) :] if has_article else rest
        return [
            "w=" + word,
            "stem=" + stem,
            "pre=" + clitics + ("+al" if has_article else ""),
            "shape=" + word_shape(word),
            "len=" + length_bucket(len(stem)),
            "p2=" + word[:2],
            "p3=" + word[:3],
            "s1=" + word[-1:],
            "s2=" + word[-2:],
            "s3=" + word[-3:],
            "stem.s2=" + stem[-2:],
            "stem.p2=" + stem[:2],
        ]

    def word_entry(self, token: str) -> WordEntry:
        """Everything `token` contributes to a sentence's features (not cached: see `sentence_features`)."""
        word = normalize_arabic_word(token[: MAX_WORD_CHARS * 4])[:MAX_WORD_CHARS]
        own = self.word_features(word)
        if self._lexical is not None:
            own += self._lexical.word_features(word)
        context = [feature for feature in own if not feature.startswith(("p", "s1", "s3", "len"))]
        far = context[:3]
        return WordEntry(
            own,
            ["-2:" + feature for feature in far],
            ["-1:" + feature for feature in context],
            ["+1:" + feature for feature in context],
            ["+2:" + feature for feature in far],
        )

    def _entry(self, token: str) -> WordEntry:
        entry = self._cache.get(token)
        if entry is None:
            entry = self.word_entry(token)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = entry
        return entry

    def sentence_features(self, tokens: Sequence[str]) -> list[Features]:
        """Features for every position, in this order (the CRF tagger scores them in it): bias and
        own features, those lent by the words at -2 and -1, the bigram with the previous word (or
        BOS), those lent by the words at +1, the bigram with the next word (or EOS), those of +2."""
        entries = [self._entry(token) for token in tokens]
        words = [entry_word(entry) for entry in entries]
        last = len(tokens) - 1
        sequence: list[Features] = []
        for index, entry in enumerate(entries):
            features = [BIAS, *entry.own]
            if index >= 2:
                features += entries[index - 2].to_after_next
            if index >= 1:
                features += entries[index - 1].to_next
                features.append(previous_bigram(words[index - 1], words[index]))
            else:
                features.append(BOS)
            if index < last:
                features += entries[index + 1].to_previous
                features.append(next_bigram(words[index], words[index + 1]))
            else:
                features.append(EOS)
            if index < last - 1:
                features += entries[index + 2].to_before_previous
            sequence.append(features)
        return sequence


def entry_word(entry: WordEntry) -> str:
    """The normalized word of an entry (its first feature is `w=<word>`)."""
    return entry.own[0][2:]


def previous_bigram(previous: str, word: str) -> str:
    """The feature of a word and the one before it."""
    return PREVIOUS_BIGRAM + previous + BIGRAM_SEPARATOR + word


def next_bigram(word: str, following: str) -> str:
    """The feature of a word and the one after it."""
    return NEXT_BIGRAM + word + BIGRAM_SEPARATOR + following


def frequency_bucket(count: int) -> str:
    """Log-scale corpus frequency: names are rarer than the function and common words around them."""
    return str(min(count.bit_length() // 2, 9))


class ResourceFeatures:
    """Features from the lexical resources: word clusters, gazetteer types, corpus frequency.

    Lookups use the word's stem, its clitic-free form by corpus evidence («لوزاره» -> «وزاره»),
    so that news spellings with a proclitic share the stem's clusters and gazetteer entries.
    (Marking multi-word gazetteer matches such as full names was tried and did not help on dev.)
    """

    def __init__(self, resources: Resources) -> None:
        self._resources = resources

    def word_features(self, word: str) -> Features:
        resources = self._resources
        _, stem = resources.split_proclitic(word)
        features = [f"c={cluster}" for cluster in resources.clusters.get(stem, ())]
        features += [f"g={entry_type}" for entry_type in sorted(resources.gazetteer_types(stem))]
        features.append("f=" + frequency_bucket(resources.word_count(word)))
        return features


def resources_fingerprint() -> str:
    """sha256 over the content of the shipped resource files, stored with a model to detect a
    rebuilt resource set (the uncompressed text, so recompressing the same files changes nothing)."""
    from workers.ner import resources

    digest = hashlib.sha256()
    for name in (resources.CLUSTERS_FILE, resources.GAZETTEER_FILE, resources.WORD_COUNTS_FILE):
        with gzip.open(resources.DEFAULT_DATA_DIR / name) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def feature_config(use_resources: bool) -> dict[str, Any]:
    """The `features` entry of a model's metadata: which features, and which resources they came from."""
    if not use_resources:
        return {"resources": False}
    return {"resources": True, "resources_sha256": resources_fingerprint()}


def make_extractor(config: Mapping[str, Any]) -> FeatureExtractor:
    """The extractor a model was trained with, from the `features` entry of its metadata.

    A model trained on other resource files than the shipped ones still loads, since its features
    are only partly affected, but with a warning: it should be retrained.
    """
    if not config.get("resources"):
        return FeatureExtractor()
    from workers.ner.resources import load_resources

    expected = config.get("resources_sha256")
    if expected is not None and expected != resources_fingerprint():
        logger.warning("the entity resources changed since the CRF model was trained: retrain it")
    return FeatureExtractor(ResourceFeatures(load_resources()))
