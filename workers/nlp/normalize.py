"""Arabic normalization: camel-tools' steps, composed once, in the order that keeps them exact.

The order matters: Unicode compatibility normalization first (presentation forms become plain
letters and marks), then dediacritization (which also drops the dagger alef U+0670), then tatweel,
then the letter-variant folds (alef forms, alef maksura, teh marbuta). A combining madda or hamza
(U+0653-U+0655) that a fold or the tatweel removal leaves beside a letter composes with it under
NFKC, so text that still holds one goes round again until nothing changes: the result is a fixed
point («ى» + hamza above and «ئ» normalize alike).

`camel_tools_normalize_arabic` is that composition written with camel-tools' own functions (the
reference, and the benchmark's floor). `normalize_arabic` computes the same with C-level string
operations only (camel-tools maps the two ligatures character by character in Python): every step
after NFKC deletes or replaces single characters, and none produces a character a later one
changes, so the deletions run as one regex and the folds as plain replacements. A property test
compares the two on random text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from workers.nlp.camel import (
    AR_DIAC_CHARSET,
    dediac_ar,
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

TATWEEL = "\u0640"
ALEF = "\u0627"
_COMBINING_MADDA_HAMZA = re.compile("[\u0653-\u0655]")
# camel-tools' normalize_unicode spells out two ligatures that NFKC leaves whole, then applies NFKC.
_LIGATURES = {"\ufdfc": "ريال", "\ufdfd": "بسم الله الرحمن الرحيم"}
# What dediac_ar and remove_tatweel delete.
_DIACRITICS_AND_TATWEEL = re.compile("[" + re.escape("".join(sorted(AR_DIAC_CHARSET))) + TATWEEL + "]")
# normalize_alef_ar (أ إ آ ٱ), normalize_alef_maksura_ar, normalize_teh_marbuta_ar, in this order.
_LETTER_FOLDS = (
    *((alef, ALEF) for alef in "\u0623\u0625\u0622\u0671"),
    ("\u0649", "\u064a"),
    ("\u0629", "\u0647"),
)


def remove_tatweel(text: str) -> str:
    """Drop the tatweel (kashida), a purely typographic stretch of the letter before it."""
    return text.replace(TATWEEL, "")


def normalize_arabic(text: str) -> str:
    """Fold Arabic text to its search form: NFKC, no diacritics, no tatweel, plain alef, ya, ha."""
    return _to_fixed_point(text, _normalize_once)


def camel_tools_normalize_arabic(text: str) -> str:
    """`normalize_arabic` by camel-tools' own functions, one after the other: the reference."""
    return _to_fixed_point(text, _camel_tools_once)


def _to_fixed_point(text: str, normalize_once: Callable[[str], str]) -> str:
    normalized = normalize_once(text)
    while _COMBINING_MADDA_HAMZA.search(normalized):
        again = normalize_once(normalized)
        if again == normalized:
            break
        normalized = again
    return normalized


def _normalize_once(text: str) -> str:
    for ligature, spelled_out in _LIGATURES.items():
        if ligature in text:
            text = text.replace(ligature, spelled_out)
    text = _DIACRITICS_AND_TATWEEL.sub("", unicodedata.normalize("NFKC", text))
    for variant, letter in _LETTER_FOLDS:
        text = text.replace(variant, letter)
    return text


def _camel_tools_once(text: str) -> str:
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
