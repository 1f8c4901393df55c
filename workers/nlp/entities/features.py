"""CRF features: per-word features computed once per word type, composed per position.

Everything that depends on one word alone (its normalized form, clitic-stripped stem, affixes,
shape, and any lexical resources) is computed once per distinct token and cached; tagging a
sentence then only concatenates the cached lists of a window of positions, which keeps feature
extraction cheap enough for thousands of sentences per second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from workers.nlp.entities.normal_form import ARTICLE, proclitic_split
from workers.nlp.normalize import normalize_arabic_word

if TYPE_CHECKING:
    from workers.nlp.entities.resources import Resources

Features = list[str]
# Extra per-word features from lexical resources (clusters, gazetteers), given a normalized word.
LexicalFeatures = Callable[[str], Features]

MAX_WORD_CHARS = 32
CACHE_LIMIT = 200_000
WINDOW = 2

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


class FeatureExtractor:
    """Turns a token sequence into one feature list per token, with a per-word-type cache."""

    def __init__(self, lexical: LexicalFeatures | None = None) -> None:
        self._lexical = lexical
        # word -> (own features, features it lends to positions at offsets -2, -1, +1, +2)
        self._cache: dict[str, tuple[Features, ...]] = {}

    def word_features(self, token: str) -> Features:
        """Features of one word on its own."""
        word = normalize_arabic_word(token[: MAX_WORD_CHARS * 4])[:MAX_WORD_CHARS]
        clitics, rest = proclitic_split(word)
        has_article = rest.startswith(ARTICLE) and len(rest) > len(ARTICLE) + 2
        stem = rest[len(ARTICLE) :] if has_article else rest
        features = [
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
        if self._lexical is not None:
            features.extend(self._lexical(word))
        return features

    def _cached(self, token: str) -> tuple[Features, ...]:
        entry = self._cache.get(token)
        if entry is None:
            own = self.word_features(token)
            context = [feature for feature in own if not feature.startswith(("p", "s1", "s3", "len"))]
            near = [f"{offset}:{feature}" for offset in ("-1", "+1") for feature in context]
            far = [f"{offset}:{feature}" for offset in ("-2", "+2") for feature in context[:3]]
            half_near, half_far = len(near) // 2, len(far) // 2
            entry = (own, far[:half_far], near[:half_near], near[half_near:], far[half_far:])
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = entry
        return entry

    def sentence_features(self, tokens: Sequence[str]) -> list[Features]:
        """Features for every position: own features, neighbours' features, word bigrams."""
        entries = [self._cached(token) for token in tokens]
        words = [entry[0][0][2:] for entry in entries]
        last = len(tokens) - 1
        sequence: list[Features] = []
        for index, entry in enumerate(entries):
            features = ["bias", *entry[0]]
            if index >= 2:
                features += entries[index - 2][1]
            if index >= 1:
                features += entries[index - 1][2]
                features.append("bi-1=" + words[index - 1] + "|" + words[index])
            else:
                features.append("BOS")
            if index < last:
                features += entries[index + 1][3]
                features.append("bi+1=" + words[index] + "|" + words[index + 1])
            else:
                features.append("EOS")
            if index < last - 1:
                features += entries[index + 2][4]
            sequence.append(features)
        return sequence


def frequency_bucket(count: int) -> str:
    """Log-scale corpus frequency: names are rarer than the function and common words around them."""
    return str(min(count.bit_length() // 2, 9))


class ResourceFeatures:
    """Per-word features from the lexical resources: word clusters, gazetteer types, frequency.

    Clusters and gazetteer types are looked up for the word and for its clitic-free stem
    («لوزاره» -> «وزاره»), so that news spellings with a proclitic share the stem's evidence.
    """

    def __init__(self, resources: Resources) -> None:
        self._resources = resources

    def __call__(self, word: str) -> Features:
        resources = self._resources
        _, stem = resources.split_proclitic(word)
        features = [f"c={cluster}" for cluster in resources.clusters.get(stem, ())]
        features += [f"g={entry_type}" for entry_type in sorted(resources.gazetteer_types(stem))]
        features.append("f=" + frequency_bucket(resources.word_count(word)))
        return features


def make_extractor(config: Mapping[str, Any]) -> FeatureExtractor:
    """The extractor a model was trained with, from the `features` entry of its metadata."""
    if config.get("resources"):
        from workers.nlp.entities.resources import load_resources

        return FeatureExtractor(ResourceFeatures(load_resources()))
    return FeatureExtractor()
