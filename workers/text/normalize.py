"""Arabic normalization: the search form of Arabic text, and a version that names its rules.

The steps, in the order that keeps them exact: the zero-width non-joiner and joiner are deleted
(they carry no meaning inside an Arabic word, and the published text keeps them for the languages
whose spelling needs them), Unicode compatibility normalization (NFKC; two ligatures that NFKC
leaves whole are spelled out first), then the diacritics and the tatweel are
deleted, then the letter variants are folded (alef forms, alef maksura, teh marbuta). A combining
madda or hamza (U+0653-U+0655) that a deletion leaves beside a letter composes with it under NFKC,
so text that still holds one goes round again until nothing changes: the result is a fixed point
(«ى» + hamza above and «ئ» normalize alike).

After the joiners are deleted (which no later step brings back: NFKC produces none), these are
camel-tools' `normalize_unicode`, `dediac_ar`, tatweel removal and `normalize_*_ar` folds, computed
with C-level string operations (every step after NFKC deletes or replaces single characters, and
none produces a character a later one changes). A property test compares the two.

Every model and gazetteer is keyed by normalized words, so `NORMALIZER_VERSION`, a digest of the
tables below and of the Unicode version NFKC follows, is recorded when one is built and checked
when it is loaded.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from workers.text.caches import NORMALIZED_WORDS
from workers.text.charsets import ARABIC_DIACRITICS, COMBINING_MADDA_HAMZA, JOINERS, TATWEEL, ZWJ, ZWNJ

ALEF = "\u0627"
# Deleted before NFKC, so that text with them normalizes exactly as the same text without them.
DELETED_FIRST = JOINERS
_DELETE_FIRST = dict.fromkeys(map(ord, DELETED_FIRST))
# Spelled out before NFKC, which leaves them whole.
LIGATURES = {"\ufdfc": "ريال", "\ufdfd": "بسم الله الرحمن الرحيم"}
DELETED = "".join(sorted(ARABIC_DIACRITICS)) + TATWEEL
# Alef with hamza above, below, madda and wasla to bare alef; alef maksura to ya; teh marbuta to heh.
LETTER_FOLDS = (
    *((alef, ALEF) for alef in "\u0623\u0625\u0622\u0671"),
    ("\u0649", "\u064a"),
    ("\u0629", "\u0647"),
)
_DELETED = re.compile("[" + re.escape(DELETED) + "]")


def _version() -> str:
    rules = repr((DELETED_FIRST, sorted(LIGATURES.items()), DELETED, LETTER_FOLDS, COMBINING_MADDA_HAMZA.pattern))
    digest = hashlib.sha256(f"{rules}|unicode {unicodedata.unidata_version}".encode()).hexdigest()
    return f"norm-{digest[:12]}"


#: Changes whenever a rule above (or Python's Unicode database) changes.
NORMALIZER_VERSION = _version()


def remove_tatweel(text: str) -> str:
    """Drop the tatweel (kashida), a purely typographic stretch of the letter before it."""
    return text.replace(TATWEEL, "")


def normalize_arabic(text: str) -> str:
    """Fold Arabic text to its search form: no joiners, NFKC, no diacritics, no tatweel, plain alef, ya, ha."""
    return to_fixed_point(text, _normalize_once)


def to_fixed_point(text: str, normalize_once: Callable[[str], str]) -> str:
    """Apply `normalize_once` again while a combining madda or hamza is left that NFKC could compose."""
    normalized = normalize_once(text)
    while COMBINING_MADDA_HAMZA.search(normalized):
        again = normalize_once(normalized)
        if again == normalized:
            break
        normalized = again
    return normalized


def _normalize_once(text: str) -> str:
    if ZWNJ in text or ZWJ in text:
        text = text.translate(_DELETE_FIRST)
    for ligature, spelled_out in LIGATURES.items():
        if ligature in text:
            text = text.replace(ligature, spelled_out)
    text = _DELETED.sub("", unicodedata.normalize("NFKC", text))
    for variant, letter in LETTER_FOLDS:
        text = text.replace(variant, letter)
    return text


def normalize_other(text: str) -> str:
    """Text in other languages gets Unicode compatibility normalization only."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=NORMALIZED_WORDS)
def normalize_arabic_word(word: str) -> str:
    """`normalize_arabic` for one token, cached: news vocabulary repeats heavily."""
    return normalize_arabic(word)
