"""Arabic normalization: camel-tools' steps, composed once, in the order that keeps them exact.

The order matters: Unicode compatibility normalization first (presentation forms become plain
letters and marks), then dediacritization (which also drops the dagger alef U+0670), then tatweel,
then the letter-variant folds (alef forms, alef maksura, teh marbuta). A combining madda or hamza
(U+0653-U+0655) that a fold or the tatweel removal leaves beside a letter composes with it under
NFKC, so text that still holds one goes round again until nothing changes: the result is a fixed
point («ى» + hamza above and «ئ» normalize alike).
"""

from __future__ import annotations

import re
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
_COMBINING_MADDA_HAMZA = re.compile("[\u0653-\u0655]")


def remove_tatweel(text: str) -> str:
    """Drop the tatweel (kashida), a purely typographic stretch of the letter before it."""
    return text.replace(TATWEEL, "")


def normalize_arabic(text: str) -> str:
    """Fold Arabic text to its search form: NFKC, no diacritics, no tatweel, plain alef, ya, ha."""
    normalized = _normalize_arabic_once(text)
    while _COMBINING_MADDA_HAMZA.search(normalized):
        again = _normalize_arabic_once(normalized)
        if again == normalized:
            break
        normalized = again
    return normalized


def _normalize_arabic_once(text: str) -> str:
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
