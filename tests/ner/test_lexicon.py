"""The memory-mapped lexicon: every key found with its facts, absent words not found, damaged files refused."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from lab.compile_resources import write_lexicon
from workers.errors import ModelIntegrityError
from workers.ner.lexicon import Clusters, Gazetteer, WordCounts, array_name, open_lexicon
from workers.text.normalize import NORMALIZER_VERSION

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def random_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return sorted({"".join(rng.choices(LETTERS, k=rng.randint(1, 9))) for _ in range(count)})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], dict[str, tuple[int, int]]]:
    """3,000 random words (enough for the hash table's probes to run into each other), with counts
    for some, clusters for others, and a few gazetteer entries of one and two words."""
    words = random_words(3_000, seed=7)
    counts = {word: index + 1 for index, word in enumerate(words[:2_000])}
    clusters = {word: (index % 3, index % 11) for index, word in enumerate(words[1_000:])}
    directory = tmp_path_factory.mktemp("lexicon")
    gazetteer = {"القاهره": {"LOC", "PER_last"}, "الامم المتحده": {"ORG"}, words[0]: {"PER_first"}}
    write_lexicon(directory, counts, ("k3", "k11"), clusters, gazetteer, {"normalizer": NORMALIZER_VERSION})
    return directory, counts, clusters


def test_every_key_reads_back_what_was_written(built: tuple[Path, dict[str, int], dict[str, tuple[int, int]]]) -> None:
    directory, counts, clusters = built
    lexicon = open_lexicon(directory)
    word_counts, cluster_ids, gazetteer = WordCounts(lexicon), Clusters(lexicon), Gazetteer(lexicon)
    assert dict(word_counts) == counts
    assert dict(cluster_ids) == {word: (f"k3:{a}", f"k11:{b}") for word, (a, b) in clusters.items()}
    assert gazetteer["القاهره"] == frozenset({"LOC", "PER_last"})
    assert gazetteer["الامم المتحده"] == frozenset({"ORG"})
    assert len(gazetteer) == 3
    assert lexicon.longest_entry == 2


def test_absent_words_are_not_found(built: tuple[Path, dict[str, int], dict[str, tuple[int, int]]]) -> None:
    directory, counts, clusters = built
    lexicon = open_lexicon(directory)
    word_counts, cluster_ids, gazetteer = WordCounts(lexicon), Clusters(lexicon), Gazetteer(lexicon)
    absent = [word for word in random_words(3_000, seed=8) if word not in counts and word not in clusters]
    assert absent and all(lexicon.index(word) == -1 for word in absent)
    assert word_counts.get("القاهره", 0) == 0  # a gazetteer entry only: a key, but no count
    assert "القاهره" not in cluster_ids and "القاهره" not in word_counts
    assert gazetteer.get("غير موجود") is None
    with pytest.raises(KeyError):
        word_counts["\udc80"]  # a lone surrogate is simply unknown


def test_keys_are_sorted_by_their_bytes(built: tuple[Path, dict[str, int], dict[str, tuple[int, int]]]) -> None:
    lexicon = open_lexicon(built[0])
    keys = [lexicon.key(row).encode() for row in range(len(lexicon))]
    assert keys == sorted(keys)


def test_the_arrays_are_mapped_not_read(built: tuple[Path, dict[str, int], dict[str, tuple[int, int]]]) -> None:
    lexicon = open_lexicon(built[0])
    assert isinstance(lexicon.keys, np.memmap) and isinstance(lexicon.slots, np.memmap)


@pytest.mark.parametrize("name", ["keys", "slots", "counts", "gazetteer"])
def test_a_tampered_file_is_refused(tmp_path: Path, name: str) -> None:
    metadata = {"normalizer": NORMALIZER_VERSION}
    write_lexicon(tmp_path, {"وزاره": 5}, ("k2",), {"وزاره": (1,)}, {"سرت": {"LOC"}}, metadata)
    path = tmp_path / f"{array_name(name)}.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=f"{re.escape(path.name)} has sha256"):
        open_lexicon(tmp_path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    write_lexicon(tmp_path, {"وزاره": 5}, ("k2",), {}, {}, {"normalizer": NORMALIZER_VERSION})
    (tmp_path / f"{array_name('offsets')}.npy").unlink()
    with pytest.raises(ModelIntegrityError, match=r"lacks lexicon\.offsets\.npy"):
        open_lexicon(tmp_path)


def test_no_lexicon_is_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"lexicon\.json"):
        open_lexicon(tmp_path)
