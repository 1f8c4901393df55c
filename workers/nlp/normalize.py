"""Arabic normalization: camel-tools' steps, composed once, in the order that keeps them exact.

The order matters: Unicode compatibility normalization first (presentation forms become plain
letters and marks), then dediacritization (which also drops the dagger alef U+0670), then tatweel,
then the letter-variant folds (alef forms, alef maksura, teh marbuta).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

TATWEEL = "\u0640"


def remove_tatweel(text: str) -> str:
    """Drop the tatweel (kashida), a purely typographic stretch of the letter before it."""
    return text.replace(TATWEEL, "")


def normalize_arabic(text: str) -> str:
    """Fold Arabic text to its search form: NFKC, no diacritics, no tatweel, plain alef, ya, ha."""
    text = normalize_unicode(text)
    text = dediac_ar(text)
    text = remove_tatweel(text)
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    return normalize_teh_marbuta_ar(text)


def normalize_other(text: str) -> str:
    """Text in other languages gets Unicode compatibility normalization only."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=262_144)
def normalize_arabic_word(word: str) -> str:
    """`normalize_arabic` for one token, cached: news vocabulary repeats heavily."""
    return normalize_arabic(word)
