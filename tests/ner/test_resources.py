"""The resource loader and its lookups, on hand-written files compiled as the lab compiles them, and on
the shipped data (`shipped_resources`)."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest

from lab.compile_resources import CLUSTERS_FILE, GAZETTEER_FILE, MANIFEST_FILE, WORD_COUNTS_FILE, compile_resources
from workers.errors import NormalizerMismatchError
from workers.ner.lexicon import METADATA_FILE
from workers.ner.resources import DEFAULT_DATA_DIR, Resources, load_resources
from workers.text.normalize import NORMALIZER_VERSION

COUNTS = {
    "وزاره": 50, "لوزاره": 5, "الخارجيه": 40, "للخارجيه": 3, "وصل": 100, "بغداد": 80, "غداد": 2, "مال": 500,
    "كمال": 30, "الحج": 500, "للحج": 20, "القاهره": 60, "بالقاهره": 4,
}  # fmt: skip
CLUSTERS = {"القاهره": ("3", "17"), "بغداد": ("3", "17"), "وزاره": ("1", "5")}
GAZETTEER = [("القاهره", "LOC", "cldr"), ("احمد", "PER_first", "wikidata_names"), ("كمال", "PER_first", "jrc_names")]
GAZETTEER += [("الامم المتحده", "ORG", "cldr"), ("القاهره", "PER_last", "jrc_names")]


def write_gzip_lines(path: Path, rows: list[list[str]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines("\t".join(row) + "\n" for row in rows)


def write_resources(directory: Path, manifest: dict[str, object] | None, gazetteer: bool = True) -> Path:
    """A resource directory as the builder writes it, with a few words (and the manifest given), compiled."""
    directory.mkdir()
    write_gzip_lines(directory / WORD_COUNTS_FILE, [[word, str(count)] for word, count in COUNTS.items()])
    write_gzip_lines(directory / CLUSTERS_FILE, [["word", "k4", "k20"], *([w, *ids] for w, ids in CLUSTERS.items())])
    if gazetteer:
        write_gzip_lines(directory / GAZETTEER_FILE, [list(row) for row in GAZETTEER])
    if manifest is not None:
        (directory / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    compile_resources(directory)
    return directory


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Resources:
    return load_resources(write_resources(tmp_path_factory.mktemp("tiny") / "data", {"normalizer": NORMALIZER_VERSION}))


def test_clusters_carry_their_column_and_go_coarse_to_fine(tiny: Resources) -> None:
    assert tiny.clusters["القاهره"] == ("k4:3", "k20:17")
    assert tiny.clusters["القاهره"][0] is tiny.clusters["بغداد"][0]  # interned


def test_word_counts(tiny: Resources) -> None:
    assert tiny.word_count("وزاره") == 50
    assert tiny.word_count("وزارة") == 0


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("لوزاره", ("ل", "وزاره")),  # the stem is frequent, and ten times the whole
        ("وزاره", ("", "وزاره")),
        ("للخارجيه", ("لل", "الخارجيه")),  # the clitic as written, the stem with its article
        ("بالقاهره", ("ب", "القاهره")),
        ("بغداد", ("", "بغداد")),  # «غداد» is rare
        ("وصل", ("", "وصل")),  # too short to split
        ("كمال", ("", "كمال")),  # a gazetteer entry is never split, however frequent «مال» is
        ("للحج", ("", "للحج")),  # «لل» takes three letters after it, not two
    ],
)
def test_split_proclitic_follows_corpus_counts(tiny: Resources, word: str, expected: tuple[str, str]) -> None:
    assert tiny.split_proclitic(word) == expected


def test_gazetteer_types_gather_every_source(tiny: Resources) -> None:
    assert tiny.gazetteer_types("القاهره") == frozenset({"LOC", "PER_last"})
    assert tiny.gazetteer_types("القاهرة") == frozenset()


def test_gazetteer_matches_find_single_and_multi_word_entries(tiny: Resources) -> None:
    tokens = ["قال", "احمد", "في", "الامم", "المتحده", "بالقاهره"]
    assert tiny.gazetteer_matches(tokens) == [(1, 2, "PER_first"), (3, 5, "ORG")]
    assert tiny.longest_entry == 2


def test_a_missing_gazetteer_reads_as_empty(tmp_path: Path) -> None:
    resources = load_resources(write_resources(tmp_path / "data", {"normalizer": NORMALIZER_VERSION}, gazetteer=False))
    assert resources.gazetteer == {}
    assert resources.gazetteer_matches(["القاهره"]) == []


def test_resources_of_another_normalizer_are_refused(tmp_path: Path) -> None:
    directory = write_resources(tmp_path / "data", {"seed": 1, "normalizer": "norm-000000000000"})
    with pytest.raises(NormalizerMismatchError, match="norm-000000000000") as refused:
        load_resources(directory)
    assert str(directory / METADATA_FILE) in str(refused.value)
    assert NORMALIZER_VERSION in str(refused.value)


def test_resources_without_a_normalizer_version_load_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="workers.ner.models"):
        resources = load_resources(write_resources(tmp_path / "data", None))
    assert "records no normalizer version" in caplog.text
    assert resources.word_count("وزاره") == 50


@pytest.fixture(scope="module")
def shipped_resources() -> Resources:
    """The shipped resources' lexicon."""
    return load_resources()


def test_the_shipped_manifest_records_the_running_normalizer() -> None:
    manifest = json.loads((DEFAULT_DATA_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["normalizer"] == NORMALIZER_VERSION


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
def test_shipped_gazetteer_knows_common_names(shipped_resources: Resources, entry: str, entry_type: str) -> None:
    assert entry_type in shipped_resources.gazetteer_types(entry)


def test_shipped_counts_tell_clitic_from_stem(shipped_resources: Resources) -> None:
    assert shipped_resources.word_count("وزاره") > 10 * shipped_resources.word_count("لوزاره")


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
def test_shipped_split_proclitic(shipped_resources: Resources, word: str, expected: tuple[str, str]) -> None:
    assert shipped_resources.split_proclitic(word) == expected


def test_shipped_clusters_have_three_granularities(shipped_resources: Resources) -> None:
    assert [cluster.split(":")[0] for cluster in shipped_resources.clusters["القاهره"]] == ["k100", "k500", "k2000"]


def test_shipped_resources_load_once_per_process(shipped_resources: Resources) -> None:
    assert load_resources() is shipped_resources
    assert load_resources(DEFAULT_DATA_DIR) is shipped_resources
