"""MinHash signatures of shingle sets, and LSH band keys to find candidate near-duplicates by dict lookup.

The fraction of equal positions of two signatures estimates the Jaccard similarity of their shingle
sets (standard error about 0.04 at 128 positions). Each position is a multiply-shift hash of the
64-bit shingle hashes, whose minimum over the set is kept; its parameters are digits of BLAKE2b, not
a random generator's, so every worker process (and every numpy version) computes the same signature
for the same text.

Banding: the signature is cut into `bands` runs of `rows` positions, and two articles are candidates
when one band is equal in both, with probability 1 − (1 − s^rows)^bands at similarity s (48 × 2:
0.998 at s = 0.35, 0.95 at 0.25, 0.38 at 0.1). Candidates are then compared by their whole signatures.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from workers.stories.shingles import SHINGLE_SIZE, Hashes, article_shingles, mix64
from workers.text.normalize import NORMALIZER_VERSION

#: Positions of a signature.
PERMUTATIONS = 128
#: LSH bands and rows per band (BANDS × ROWS ≤ PERMUTATIONS): the fewest bands that, alone, find every
#: candidate the entity postings add on the tuning half; 0.998 at s = 0.35, 0.95 at 0.25.
BANDS = 48
ROWS = 2

Signature = npt.NDArray[np.uint32]


def _parameter(name: str, position: int) -> int:
    digest = hashlib.blake2b(f"khabar-minhash-{name}-{position}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


_MULTIPLIERS = np.array([_parameter("a", i) | 1 for i in range(PERMUTATIONS)], dtype=np.uint64)
_INCREMENTS = np.array([_parameter("b", i) for i in range(PERMUTATIONS)], dtype=np.uint64)
_BAND_MULTIPLIERS = np.array([_parameter("band", i) | 1 for i in range(PERMUTATIONS + 1)], dtype=np.uint64)


def _version() -> str:
    parts = repr((SHINGLE_SIZE, PERMUTATIONS, _MULTIPLIERS[:4].tolist(), _INCREMENTS[:4].tolist(), NORMALIZER_VERSION))
    return f"minhash-{hashlib.sha256(parts.encode()).hexdigest()[:12]}"


#: Changes with the shingles, the hash parameters or the normalizer: signatures of two versions do not compare.
SIGNATURE_VERSION = _version()

# Shingles hashed per step: bounds the temporary matrix (rows × PERMUTATIONS × 8 bytes, 512 kB).
_CHUNK = 512


def signature(hashes: Hashes) -> Signature:
    """The MinHash signature of a set of shingle hashes (all 0xFFFFFFFF for an empty set)."""
    lowest = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(hashes), _CHUNK):
        # (a·x + b) mod 2^64 for each position; its high 32 bits are the hash of x. Taking the high bits
        # is monotone, so the minimum is taken first and only PERMUTATIONS values are shifted.
        hashed = np.multiply(hashes[start : start + _CHUNK, None], _MULTIPLIERS)
        hashed += _INCREMENTS
        np.minimum(lowest, hashed.min(axis=0), out=lowest)
    return (lowest >> np.uint64(32)).astype(np.uint32)


def similarity(first: Signature, second: Signature) -> float:
    """The estimated Jaccard similarity: the fraction of positions where the two signatures agree."""
    return float(np.count_nonzero(first == second)) / PERMUTATIONS


def band_keys(sig: Signature, bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One key a band, for a dict of candidates: a 63-bit hash of the band's number and its rows' values.

    Ints rather than the bands' bytes: one numpy step for all bands, and a third less memory a key in
    the index's dict. Two bands that differ share a key once in 2^63: a candidate more, which the whole
    signature then rejects.
    """
    if bands * rows > len(sig):
        raise ValueError(f"{bands} bands of {rows} rows need {bands * rows} positions, the signature has {len(sig)}")
    values = sig[: bands * rows].reshape(bands, rows).astype(np.uint64)
    combined = np.arange(bands, dtype=np.uint64) * _BAND_MULTIPLIERS[rows]
    for row in range(rows):
        combined += values[:, row] * _BAND_MULTIPLIERS[row]
    return (mix64(combined) >> np.uint64(1)).tolist()


def article_signature(title: str | None, body: str) -> tuple[Signature, int]:
    """An article's signature and how many distinct shingles it was made of."""
    hashes = article_shingles(title, body)
    return signature(hashes), len(hashes)
