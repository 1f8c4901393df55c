"""CRF features: per-word features computed once per word type, composed per position.

Everything that depends on one word alone (its normalized form, clitic-stripped stem, affixes,
shape, and any lexical resources) is computed once per distinct token and cached; tagging a
sentence then only concatenates the cached lists of a window of positions, which keeps feature
extraction cheap enough for thousands of sentences per second.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from workers.text.charsets import ARABIC_LETTER, LATIN_LETTER
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
    has_arabic = ARABIC_LETTER.search(token) is not None
    has_latin = LATIN_LETTER.search(token) is not None
    if has_arabic and has_latin:
        return "mixed"
    if has_latin:
        return "latin-cap" if token[:1].isupper() else "latin"
    if _DIGIT.search(token):
        return "hasdigit"
    return "arabic" if has_arabic else "other"


class Affix(NamedTuple):
    """An affix template: so many first (`letters` > 0) or last (`letters` < 0) letters of the word or its stem."""

    name: str
    of_stem: bool
    letters: int

    def value(self, word: str, stem: str) -> str:
        text = stem if self.of_stem else word
        return text[: self.letters] if self.letters > 0 else text[self.letters :]


#: Leading and trailing letters: Arabic marks number, gender and nisba at word ends.
AFFIXES = (
    Affix("p2", False, 2),
    Affix("p3", False, 3),
    Affix("s1", False, -1),
    Affix("s2", False, -2),
    Affix("s3", False, -3),
    Affix("stem.s2", True, -2),
    Affix("stem.p2", True, 2),
)


AFFIX_NAMES = tuple(affix.name for affix in AFFIXES)


def affix_features(word: str, stem: str, names: Sequence[str] = AFFIX_NAMES) -> Features:
    """One `name=letters` feature per affix template, in AFFIXES order; `names` renames the templates."""
    return [name + "=" + affix.value(word, stem) for name, affix in zip(names, AFFIXES, strict=True)]


def template(feature: str) -> str:
    """The name of the template a feature comes from: `w` for `w=بغداد`, `c` for `c=k100:37`."""
    return feature.partition("=")[0]


#: The templates a word lends to the positions next to it and two away (lexical ones included: c, g, f).
#: Not lent: `pre`, `len` and the affixes other than s2 and the stem's. The shipped model was
#: trained with these sets (they were once chosen by name prefix, which also left out `pre`), so
#: they cannot change without retraining.
LENT_NEAR = frozenset({"w", "stem", "shape", "s2", "stem.s2", "stem.p2", "c", "g", "f"})
LENT_FAR = frozenset({"w", "stem", "shape"})
#: The proclitics of a word, which a model can also lend to its neighbours (`lend_proclitics` in the
#: features config): a «و» before the next word marks where one name ends and another may begin.
PROCLITICS_TEMPLATE = "pre"


@dataclass(frozen=True, slots=True)
class Lent:
    """The features lent by the word `offset` positions away, each prefixed by its offset (`-1:w=...`)."""

    offset: int
    templates: frozenset[str]

    @property
    def prefix(self) -> str:
        return f"{self.offset:+d}:"


@dataclass(frozen=True, slots=True)
class Bigram:
    """The pair of the word and its neighbour at `offset` (±1), or `boundary` where the sentence ends."""

    offset: int
    prefix: str
    boundary: str

    def feature(self, word: str, neighbour: str) -> str:
        first, second = (neighbour, word) if self.offset < 0 else (word, neighbour)
        return self.prefix + first + BIGRAM_SEPARATOR + second


#: A position's features after the bias and its word's own features, in the order they are listed
#: (and the CRF tagger adds their weights, `crf.CrfTagger._state_scores`).
WINDOW: tuple[Lent | Bigram, ...] = (
    Lent(-2, LENT_FAR),
    Lent(-1, LENT_NEAR),
    Bigram(-1, PREVIOUS_BIGRAM, BOS),
    Lent(+1, LENT_NEAR),
    Bigram(+1, NEXT_BIGRAM, EOS),
    Lent(+2, LENT_FAR),
)
#: The lending parts of the window, in its order.
LENDERS = tuple(part for part in WINDOW if isinstance(part, Lent))


class WordEntry(NamedTuple):
    """What one word type contributes: its own features, and by offset (of LENDERS) those it lends
    to the position that has it at that offset: `lent[-1]` to the next position."""

    own: Features
    lent: dict[int, Features]


class FeatureExtractor:
    """Turns a token sequence into one feature list per token, with a per-word-type cache."""

    def __init__(self, lexical: ResourceFeatures | None = None, lend_proclitics: bool = False) -> None:
        self._lexical = lexical
        self._cache: dict[str, WordEntry] = {}
        extra = frozenset({PROCLITICS_TEMPLATE}) if lend_proclitics else frozenset()
        #: (offset, prefix, templates) of each lender, the neighbours' templates widened by `extra`.
        self._lenders = tuple(
            (part.offset, part.prefix, part.templates | extra if abs(part.offset) == 1 else part.templates)
            for part in LENDERS
        )

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
            *affix_features(word, stem),
        ]

    def word_entry(self, token: str) -> WordEntry:
        """Everything `token` contributes to a sentence's features (not cached: see `sentence_features`)."""
        word = normalize_arabic_word(token[: MAX_WORD_CHARS * 4])[:MAX_WORD_CHARS]
        own = self.word_features(word)
        if self._lexical is not None:
            own += self._lexical.word_features(word)
        named = [(template(feature), feature) for feature in own]
        lent = {
            offset: [prefix + feature for name, feature in named if name in templates]
            for offset, prefix, templates in self._lenders
        }
        return WordEntry(own, lent)

    def _entry(self, token: str) -> WordEntry:
        entry = self._cache.get(token)
        if entry is None:
            entry = self.word_entry(token)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = entry
        return entry

    def sentence_features(self, tokens: Sequence[str]) -> list[Features]:
        """Features for every position: bias and own features, then the parts of WINDOW in order."""
        entries = [self._entry(token) for token in tokens]
        words = [entry_word(entry) for entry in entries]
        count = len(tokens)
        sequence: list[Features] = []
        for index, entry in enumerate(entries):
            features = [BIAS, *entry.own]
            for part in WINDOW:
                neighbour = index + part.offset
                if isinstance(part, Lent):
                    if 0 <= neighbour < count:
                        features += entries[neighbour].lent[part.offset]
                elif 0 <= neighbour < count:
                    features.append(part.feature(words[index], words[neighbour]))
                else:
                    features.append(part.boundary)
            sequence.append(features)
        return sequence


def entry_word(entry: WordEntry) -> str:
    """The normalized word of an entry (its first feature is `w=<word>`)."""
    return entry.own[0][2:]


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


def feature_config(use_resources: bool, lend_proclitics: bool = False) -> dict[str, Any]:
    """The `features` entry of a model's metadata: which features, and which resources they came from."""
    config: dict[str, Any] = {"resources": False}
    if use_resources:
        from workers.ner.resources import load_resources

        # The fingerprint of the shipped resource files, as their compiled lexicon records it.
        config = {"resources": True, "resources_sha256": load_resources().resources_sha256}
    if lend_proclitics:
        config["lend_proclitics"] = True
    return config


def make_extractor(config: Mapping[str, Any]) -> FeatureExtractor:
    """The extractor a model was trained with, from the `features` entry of its metadata.

    A model trained on other resource files than the shipped ones still loads, since its features
    are only partly affected, but with a warning: it should be retrained.
    """
    lend_proclitics = bool(config.get("lend_proclitics", False))
    if not config.get("resources"):
        return FeatureExtractor(lend_proclitics=lend_proclitics)
    from workers.ner.resources import load_resources

    resources = load_resources()
    expected = config.get("resources_sha256")
    if expected is not None and expected != resources.resources_sha256:
        logger.warning("the entity resources changed since the CRF model was trained: retrain it")
    return FeatureExtractor(ResourceFeatures(resources), lend_proclitics=lend_proclitics)
