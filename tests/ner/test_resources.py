"""The resource builder on a tiny corpus, the loader's round trip, and lookups on the shipped data."""

from __future__ import annotations

import gzip
import lzma
import random
from pathlib import Path

import pytest

from lab import build_resources
from workers.ner.resources import (
    CLUSTERS_FILE,
    GAZETTEER_FILE,
    WORD_COUNTS_FILE,
    Resources,
    load_resources,
)

CITIES = ["القاهرة", "بغداد", "دمشق", "بيروت", "عمان", "تونس"]
PEOPLE = ["محمد", "أحمد", "علي", "حسن", "خالد", "يوسف"]
MINISTRIES = ["وزارة الخارجية", "وزارة الداخلية", "وزارة المالية"]


def write_tiny_corpus(corpus_dir: Path) -> None:
    """A few thousand generated sentences where cities and people fill the same slots."""
    pick = random.Random(0).choice
    lines = []
    for _ in range(3000):
        lines.append(f"وصل {pick(PEOPLE)} إلى {pick(CITIES)} مع {pick(MINISTRIES)}.")
        lines.append(f"قال {pick(PEOPLE)} في {pick(CITIES)} إن {pick(MINISTRIES)} لوزارة الدفاع.")
    corpus_dir.mkdir()
    with lzma.open(corpus_dir / "arwiki_cmp.txt.xz", "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def tiny_build_arguments(corpus_dir: Path, out: Path) -> list[str]:
    """Builder options for a corpus of a few sentences: tiny vectors, two cluster sizes, no gazetteers."""
    return [
        "--corpus-dir", str(corpus_dir), "--out", str(out), "--cluster-sizes", "2", "4", "--vector-size", "16",
        "--epochs", "2", "--min-count", "3", "--no-gazetteers",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data files built from the tiny corpus, with small vectors and two cluster granularities."""
    root = tmp_path_factory.mktemp("resources")
    write_tiny_corpus(root / "corpus")
    out = root / "data"
    build_resources.main(tiny_build_arguments(root / "corpus", out))
    rows = {"wikidata_names": [("أحمد", "PER_first")], "cldr": [("القاهرة", "LOC"), ("الأمم المتحدة", "ORG")]}
    build_resources.write_gazetteer(rows, out / GAZETTEER_FILE)
    return out


@pytest.fixture(scope="module")
def tiny(tiny_build: Path) -> Resources:
    return load_resources(tiny_build)


def test_builder_writes_every_file(tiny_build: Path) -> None:
    for name in (WORD_COUNTS_FILE, CLUSTERS_FILE, GAZETTEER_FILE, "manifest.json"):
        assert (tiny_build / name).stat().st_size > 0


def test_builder_is_reproducible(tiny_build: Path, tmp_path: Path) -> None:
    build_resources.main(tiny_build_arguments(tiny_build.parent / "corpus", tmp_path))
    for name in (WORD_COUNTS_FILE, CLUSTERS_FILE):
        assert (tiny_build / name).read_bytes() == (tmp_path / name).read_bytes()


def test_counts_are_of_normalized_words(tiny: Resources) -> None:
    assert tiny.word_count("احمد") > 0  # أحمد with its hamza folded
    assert tiny.word_count("أحمد") == 0
    assert tiny.word_count("لم يرد") == 0


def test_clusters_go_coarse_to_fine_with_column_prefixes(tiny: Resources) -> None:
    ids = tiny.clusters["القاهره"]
    assert [cluster.split(":")[0] for cluster in ids] == ["k2", "k4"]


def test_words_of_one_slot_share_a_fine_cluster(tiny: Resources) -> None:
    cities = {tiny.clusters["القاهره"][-1], tiny.clusters["بغداد"][-1], tiny.clusters["دمشق"][-1]}
    assert len(cities) == 1


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("لوزاره", ("ل", "وزاره")),
        ("وزاره", ("", "وزاره")),
        ("للخارجيه", ("لل", "الخارجيه")),
        ("وصل", ("", "وصل")),
    ],
)
def test_split_proclitic_follows_corpus_counts(tiny: Resources, word: str, expected: tuple[str, str]) -> None:
    assert tiny.split_proclitic(word) == expected


def test_gazetteer_entries_are_normalized(tiny: Resources) -> None:
    assert tiny.gazetteer_types("احمد") == frozenset({"PER_first"})
    assert tiny.gazetteer_types("القاهره") == frozenset({"LOC"})
    assert tiny.gazetteer_types("القاهرة") == frozenset()


def test_gazetteer_matches_find_single_and_multi_word_entries(tiny: Resources) -> None:
    tokens = ["قال", "احمد", "في", "الامم", "المتحده", "بالقاهره"]
    assert tiny.gazetteer_matches(tokens) == [(1, 2, "PER_first"), (3, 5, "ORG")]


def test_normalize_entry_keeps_only_plain_arabic_words() -> None:
    assert build_resources.normalize_entry("عبد الله") == "عبد الله"
    assert build_resources.normalize_entry("تهران") == "تهران"
    assert build_resources.normalize_entry("کابل") is None  # Persian kaf
    assert build_resources.normalize_entry("Cairo") is None
    assert build_resources.normalize_entry("") is None


@pytest.fixture(scope="module")
def shipped() -> Resources:
    return load_resources()


@pytest.mark.parametrize(
    ("entry", "entry_type"),
    [
        ("القاهره", "LOC"),
        ("بغداد", "LOC"),
        ("فرنسا", "LOC"),
        ("محمد", "PER_first"),
        ("الامم المتحده", "ORG"),
    ],
)
def test_shipped_gazetteer_knows_common_names(shipped: Resources, entry: str, entry_type: str) -> None:
    assert entry_type in shipped.gazetteer_types(entry)


def test_shipped_counts_tell_clitic_from_stem(shipped: Resources) -> None:
    assert shipped.word_count("وزاره") > 10 * shipped.word_count("لوزاره")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("لوزاره", ("ل", "وزاره")),
        ("وزاره", ("", "وزاره")),
        ("بمصر", ("ب", "مصر")),
        ("والقاهره", ("و", "القاهره")),
        ("للرئيس", ("لل", "الرئيس")),
        ("كمال", ("", "كمال")),  # a name, not ك + مال "money"
        ("وليد", ("", "وليد")),  # a name, not ول + يد "hand"
        ("فيصل", ("", "فيصل")),  # a name, not ف + يصل "arrives"
    ],
)
def test_shipped_split_proclitic(shipped: Resources, word: str, expected: tuple[str, str]) -> None:
    assert shipped.split_proclitic(word) == expected


def test_shipped_clusters_have_three_granularities(shipped: Resources) -> None:
    assert [cluster.split(":")[0] for cluster in shipped.clusters["القاهره"]] == ["k100", "k500", "k2000"]


def test_write_gazetteer_drops_function_words_short_words_and_person_types_of_places(tmp_path: Path) -> None:
    rows = {
        "wikidata_names": [("كان", "PER_first"), ("لي", "PER_last"), ("لبنان", "PER_first"), ("سمير", "PER_first")],
        "cldr": [("لبنان", "LOC")],
    }
    per_source = build_resources.write_gazetteer(rows, tmp_path / GAZETTEER_FILE)
    with gzip.open(tmp_path / GAZETTEER_FILE, "rt", encoding="utf-8") as lines:
        written = [line.rstrip("\n").split("\t") for line in lines]
    assert written == [["سمير", "PER_first", "wikidata_names"], ["لبنان", "LOC", "cldr"]]
    assert per_source == {"wikidata_names": 1, "cldr": 1}


def test_shipped_resources_load_once_per_process(shipped: Resources) -> None:
    from workers.ner.resources import DEFAULT_DATA_DIR

    assert load_resources() is shipped
    assert load_resources(DEFAULT_DATA_DIR) is shipped
