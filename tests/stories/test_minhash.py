from __future__ import annotations

import numpy as np
import pytest

from tests.stories.articles import ORIGINAL, ORIGINAL_TITLE, body, printed_in_other_processes, republished
from workers.stories.minhash import (
    BANDS,
    PERMUTATIONS,
    ROWS,
    SIGNATURE_VERSION,
    article_signature,
    band_keys,
    signature,
    similarity,
)


def hashes(values: range | list[int]) -> np.ndarray:
    """Well-spread 64-bit values, as shingle hashes are."""
    return (np.array(list(values), dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64(0x5555)


@pytest.mark.parametrize("jaccard", [0.1, 0.35, 0.5, 0.8])
def test_the_signatures_estimate_the_jaccard_similarity(jaccard: float) -> None:
    shared = int(1000 * jaccard)
    first = hashes(range(1000))
    second = hashes([*range(shared), *range(10_000, 10_000 + 1000 - shared)])
    exact = shared / (2000 - shared)
    # 128 positions: a standard error of at most 0.045; five of them.
    assert abs(similarity(signature(first), signature(second)) - exact) < 0.22


def test_same_set_same_signature_whatever_the_order_and_repeats() -> None:
    values = hashes(range(300))
    assert np.array_equal(signature(values), signature(np.concatenate([values[::-1], values[:50]])))
    assert similarity(signature(values), signature(values[::-1])) == 1.0


def test_disjoint_sets_are_not_similar() -> None:
    assert similarity(signature(hashes(range(500))), signature(hashes(range(1000, 1500)))) < 0.05


def test_an_empty_set_has_the_empty_signature() -> None:
    empty = signature(np.zeros(0, dtype=np.uint64))
    assert empty.shape == (PERMUTATIONS,)
    assert (empty == 0xFFFFFFFF).all()


def test_large_sets_are_signed_in_chunks_alike() -> None:
    values = hashes(range(2000))
    lowest = np.minimum(signature(values[:1000]), signature(values[1000:]))
    assert np.array_equal(signature(values), lowest)


def test_an_edited_republication_stays_similar() -> None:
    original, _ = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    copy, count = article_signature(*republished())
    assert count > 50
    assert similarity(original, copy) > 0.6


def test_signatures_are_the_same_in_every_process() -> None:
    code = (
        "from workers.stories.minhash import article_signature; "
        "print(article_signature('عنوان', 'وقال الوزير إن المستشفى الجديد يفتح غدا')[0].tolist())"
    )
    outputs = printed_in_other_processes(code)
    here = article_signature("عنوان", "وقال الوزير إن المستشفى الجديد يفتح غدا")[0].tolist()
    assert outputs == {f"{here}\n"}


def test_a_band_key_changes_with_its_band_only() -> None:
    sig = signature(hashes(range(200)))
    keys = band_keys(sig)
    assert len(keys) == BANDS
    assert len(set(keys)) == BANDS
    changed = sig.copy()
    changed[ROWS * 3] ^= 1  # a value of band 3
    other = band_keys(changed)
    assert [band for band in range(BANDS) if keys[band] != other[band]] == [3]
    assert all(isinstance(key, int) and 0 <= key < 2**63 for key in keys)


def test_equal_values_in_two_bands_make_two_keys() -> None:
    flat = np.full(PERMUTATIONS, 7, dtype=np.uint32)
    assert len(set(band_keys(flat))) == BANDS


def test_more_bands_than_positions_are_refused() -> None:
    with pytest.raises(ValueError, match="bands"):
        band_keys(signature(hashes(range(10))), bands=PERMUTATIONS, rows=2)


def test_the_signature_version_names_its_parameters() -> None:
    assert SIGNATURE_VERSION.startswith("minhash-")
    assert len(SIGNATURE_VERSION) == len("minhash-") + 12
