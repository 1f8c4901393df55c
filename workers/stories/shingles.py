"""Word shingles of an article, as 64-bit hashes, over the forms that republication does not change.

Each word is taken in its normalized search form (`workers.text.normalize`: hamza forms, alef
maksura and teh marbuta folded, diacritics and tatweel gone) with its proclitics taken off
(`workers.text.clitics`: «وقال» and «فقال» are both «قال», «للوزارة» is «الوزاره»), and punctuation
is dropped. Republishing outlets change exactly these, so the shingles, and the signature made of them,
stay put. The split is orthographic («بغداد» loses its «ب» too), which is harmless here: both
copies are split alike.

Hashes must be equal in every worker process, so words are hashed with BLAKE2b (never Python's salted
`hash`), and a shingle's hash is a fixed mix of its words' hashes computed with numpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from workers.text.charsets import is_symbol
from workers.text.clitics import proclitic_split
from workers.text.normalize import normalize_arabic_word
from workers.text.tokenize import split_tokens

#: Words per shingle, measured on the tuning half of the evaluation set (`python -m lab.evaluate_duplicates`):
#: 3 and 4 tie (one republication in 820 apart), 1 lets unrelated articles on one subject look alike (0.22).
SHINGLE_SIZE = 3
#: Cache sizes, for a worker's memory budget (`workers.text.caches`): a live feed's new words fill a cache
#: and it stays full. `token_hash` is what the worker calls (about 200 bytes an entry, some 7 MiB);
#: `word_form` is called on its misses, so it is kept small. At 262,144 each they held some 60 MiB
#: after 2,000 new articles, still growing.
TOKEN_HASHES = 32_768
WORD_FORMS = 8_192

Hashes = npt.NDArray[np.uint64]

# Odd 64-bit multipliers, one per position in a shingle (fixed digits of BLAKE2b, so the mix is order-aware).
_POSITION_MULTIPLIERS = np.array(
    [
        int.from_bytes(hashlib.blake2b(f"khabar-shingle-{i}".encode(), digest_size=8).digest(), "little") | 1
        for i in range(16)
    ],
    dtype=np.uint64,
)


@lru_cache(maxsize=WORD_FORMS)
def word_form(token: str) -> str:
    """The form a token is compared by: normalized, case-folded, its proclitics taken off ("" for punctuation)."""
    if is_symbol(token):
        return ""
    return proclitic_split(normalize_arabic_word(token).casefold())[1]


def words(text: str) -> list[str]:
    """The comparable words of a text, in order."""
    return [form for form in map(word_form, split_tokens(text).texts) if form]


@lru_cache(maxsize=TOKEN_HASHES)
def token_hash(token: str) -> int:
    """The 64-bit hash of a token's `word_form`; 0 for punctuation (BLAKE2b gives 0 once in 2^64)."""
    form = word_form(token)
    return int.from_bytes(hashlib.blake2b(form.encode(), digest_size=8).digest(), "little") if form else 0


def mix64(values: Hashes) -> Hashes:
    """SplitMix64's finalizer: every input bit reaches every output bit (uint64 arithmetic wraps)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_hashes(texts: Iterable[str], size: int = SHINGLE_SIZE) -> Hashes:
    """The distinct hashes of the `size`-word shingles of each text (a title and a body apart: no shingle
    spans both). A text shorter than `size` words is one shingle of all its words."""
    return token_shingle_hashes((split_tokens(text).texts for text in texts), size)


def token_shingle_hashes(fields: Iterable[Sequence[str]], size: int = SHINGLE_SIZE) -> Hashes:
    """`shingle_hashes` of texts already split by `workers.text.tokenize.split_tokens` (the pipeline's tokens)."""
    if not 1 <= size <= len(_POSITION_MULTIPLIERS):
        raise ValueError(f"shingle size must be 1 to {len(_POSITION_MULTIPLIERS)}, got {size}")
    parts = []
    for tokens in fields:
        hashed = np.array([value for value in map(token_hash, tokens) if value], dtype=np.uint64)
        if not len(hashed):
            continue
        width = min(size, len(hashed))
        count = len(hashed) - width + 1
        combined = hashed[:count] * _POSITION_MULTIPLIERS[0]
        for position in range(1, width):
            combined += hashed[position : position + count] * _POSITION_MULTIPLIERS[position]
        parts.append(combined)
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(mix64(np.concatenate(parts)))


def article_shingles(title: str | None, body: str, size: int = SHINGLE_SIZE) -> Hashes:
    """An article's shingle hashes: its title's and its body's."""
    return shingle_hashes([body] if title is None else [title, body], size)
