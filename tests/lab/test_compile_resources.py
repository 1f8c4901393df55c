"""Compiling the resource files: the lexicon answers as the files read into dicts do, byte-reproducibly."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from lab.compile_resources import (
    CLUSTERS_FILE,
    GAZETTEER_FILE,
    MANIFEST_FILE,
    WORD_COUNTS_FILE,
    compile_resources,
    read_clusters,
    read_gazetteer,
    read_word_counts,
    resources_fingerprint,
)
from workers.ner.lexicon import ARRAYS, METADATA_FILE, array_name
from workers.ner.resources import DEFAULT_DATA_DIR, load_resources, read_resources
from workers.text.normalize import NORMALIZER_VERSION

COUNTS = {"وزاره": 50, "لوزاره": 5, "بغداد": 80, "القاهره": 60, "بالقاهره": 4}
CLUSTERS = {"القاهره": ("3", "17"), "بغداد": ("3", "17"), "وزاره": ("1", "5"), "دمشق": ("3", "2")}
GAZETTEER = [("القاهره", "LOC", "cldr"), ("احمد", "PER_first", "wikidata"), ("الامم المتحده", "ORG", "cldr")]
GAZETTEER += [("القاهره", "PER_last", "jrc")]


def write_tsv(path: Path, rows: list[list[str]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines("\t".join(row) + "\n" for row in rows)


@pytest.fixture
def resource_dir(tmp_path: Path) -> Path:
    write_tsv(tmp_path / WORD_COUNTS_FILE, [[word, str(count)] for word, count in COUNTS.items()])
    write_tsv(tmp_path / CLUSTERS_FILE, [["word", "k4", "k20"], *([word, *ids] for word, ids in CLUSTERS.items())])
    write_tsv(tmp_path / GAZETTEER_FILE, [list(row) for row in GAZETTEER])
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"normalizer": NORMALIZER_VERSION}), encoding="utf-8")
    return tmp_path


def test_the_lexicon_answers_as_the_files_read_into_dicts(resource_dir: Path) -> None:
    compile_resources(resource_dir)
    resources = read_resources(resource_dir)
    columns, clusters = read_clusters(resource_dir / CLUSTERS_FILE)
    assert dict(resources.word_counts) == read_word_counts(resource_dir / WORD_COUNTS_FILE) == COUNTS
    assert dict(resources.clusters) == {
        word: tuple(f"{column}:{cluster}" for column, cluster in zip(columns, ids, strict=True))
        for word, ids in clusters.items()
    }
    assert dict(resources.gazetteer) == {
        entry: frozenset(types) for entry, types in read_gazetteer(resource_dir / GAZETTEER_FILE).items()
    }
    assert resources.longest_entry == 2


def test_the_lexicon_records_the_normalizer_and_the_files_fingerprint(resource_dir: Path) -> None:
    compile_resources(resource_dir)
    metadata = json.loads((resource_dir / METADATA_FILE).read_text(encoding="utf-8"))
    assert metadata["normalizer"] == NORMALIZER_VERSION
    assert metadata["resources_sha256"] == resources_fingerprint(resource_dir)
    assert read_resources(resource_dir).resources_sha256 == metadata["resources_sha256"]


def test_compiling_twice_gives_the_same_bytes(resource_dir: Path) -> None:
    compile_resources(resource_dir)
    first = {name: (resource_dir / f"{array_name(name)}.npy").read_bytes() for name in ARRAYS}
    compile_resources(resource_dir)
    assert first == {name: (resource_dir / f"{array_name(name)}.npy").read_bytes() for name in ARRAYS}


def test_the_fingerprint_is_of_the_text_not_the_compression(resource_dir: Path) -> None:
    before = resources_fingerprint(resource_dir)
    text = gzip.decompress((resource_dir / WORD_COUNTS_FILE).read_bytes())
    (resource_dir / WORD_COUNTS_FILE).write_bytes(gzip.compress(text, compresslevel=1))
    assert resources_fingerprint(resource_dir) == before


def test_the_shipped_lexicon_is_compiled_from_the_shipped_files() -> None:
    """Reads the shipped resources: `python -m lab.compile_resources` was run after their last change."""
    assert load_resources().resources_sha256 == resources_fingerprint(DEFAULT_DATA_DIR)


def test_the_lexicon_alone_is_read(resource_dir: Path) -> None:
    """Loading reads none of the TSV files: they can be gone."""
    compile_resources(resource_dir)
    for name in (WORD_COUNTS_FILE, CLUSTERS_FILE, GAZETTEER_FILE, MANIFEST_FILE):
        (resource_dir / name).unlink()
    resources = read_resources(resource_dir)
    assert resources.word_count("وزاره") == 50
    assert resources.gazetteer_types("القاهره") == frozenset({"LOC", "PER_last"})
