"""The resource builder on a tiny corpus: every file written, reproducibly, in the form the loader reads."""

from __future__ import annotations

import gzip
import json
import lzma
import random
from pathlib import Path

import pytest

from lab import build_resources
from lab.compile_resources import CLUSTERS_FILE, GAZETTEER_FILE, MANIFEST_FILE, WORD_COUNTS_FILE, compile_resources
from workers.ner.lexicon import METADATA_FILE
from workers.ner.resources import Resources, load_resources
from workers.text.normalize import NORMALIZER_VERSION

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
    compile_resources(out)  # again, with the gazetteer
    return out


@pytest.fixture(scope="module")
def tiny(tiny_build: Path) -> Resources:
    return load_resources(tiny_build)


def test_builder_writes_every_file(tiny_build: Path) -> None:
    for name in (WORD_COUNTS_FILE, CLUSTERS_FILE, GAZETTEER_FILE, MANIFEST_FILE, METADATA_FILE):
        assert (tiny_build / name).stat().st_size > 0


def test_the_manifest_records_the_normalizer_the_loader_checks(tiny_build: Path) -> None:
    manifest = json.loads((tiny_build / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["normalizer"] == NORMALIZER_VERSION


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


def test_the_built_counts_tell_a_clitic(tiny: Resources) -> None:
    assert tiny.split_proclitic("لوزاره") == ("ل", "وزاره")
    assert tiny.split_proclitic("وزاره") == ("", "وزاره")


def test_gazetteer_entries_are_normalized(tiny: Resources) -> None:
    assert tiny.gazetteer_types("احمد") == frozenset({"PER_first"})
    assert tiny.gazetteer_types("القاهره") == frozenset({"LOC"})
    assert tiny.gazetteer_types("القاهرة") == frozenset()


def test_normalized_tokens_drop_every_invisible_mark() -> None:
    for mark in ("\u200f", "\u2066", "\u2069", "\ufeff", "\u00ad"):
        assert build_resources.normalized_tokens(f"وزارة{mark} الدفاع") == ["وزاره", "الدفاع"]


def test_normalize_entry_keeps_only_plain_arabic_words() -> None:
    assert build_resources.normalize_entry("عبد الله") == "عبد الله"
    assert build_resources.normalize_entry("تهران") == "تهران"
    assert build_resources.normalize_entry("کابل") is None  # Persian kaf
    assert build_resources.normalize_entry("Cairo") is None
    assert build_resources.normalize_entry("") is None


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
