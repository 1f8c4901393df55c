"""The place gazetteer: lookups by normal form in the shipped file, and a built file that loads only
when it matches its checksum and the running normalizer."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from workers.errors import ModelIntegrityError, NormalizerMismatchError
from workers.geo.gazetteer import (
    DEFAULT_DATA_DIR,
    MANIFEST_FILE,
    PLACES_FILE,
    Gazetteer,
    Place,
    format_row,
    shipped_gazetteer,
)
from workers.ner.models import NORMALIZER_FIELD, write_checksum
from workers.text.normalize import NORMALIZER_VERSION, normalize_arabic_word

SIRTE = Place(2210554, "Sirte", "LY", 31.20892, 16.58866, "P", 106705)
BREGA = Place(2215210, "Al Burayqah", "LY", 30.40624, 19.57386, "P", 31300)


def write_files(directory: Path, rows: list[tuple[Place, list[str]]], normalizer: str = NORMALIZER_VERSION) -> Path:
    """A gazetteer directory as the builder writes it: the TSV, its checksum, the manifest."""
    places = directory / PLACES_FILE
    places.write_text("".join(format_row(place, keys) + "\n" for place, keys in rows), encoding="utf-8")
    write_checksum(places)
    (directory / MANIFEST_FILE).write_text(json.dumps({NORMALIZER_FIELD: normalizer}), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("name", "place"),
    [("سرت", SIRTE), ("البريقه", BREGA)],
)
def test_the_founding_articles_towns_are_in_the_shipped_gazetteer(name: str, place: Place) -> None:
    assert shipped_gazetteer().candidates(name) == (place,)


def test_tripoli_has_a_candidate_in_libya_and_one_in_lebanon() -> None:
    tripolis = shipped_gazetteer().candidates("طرابلس")
    assert {(place.geonames_id, place.country_code) for place in tripolis} == {(2210247, "LY"), (266826, "LB")}


def test_a_country_is_found_under_its_cldr_name_and_its_short_forms() -> None:
    gazetteer = shipped_gazetteer()
    (libya,) = gazetteer.candidates("ليبيا")
    assert (libya.geonames_id, libya.country_code, libya.feature_class) == (2215636, "LY", "A")
    for name in ("المملكه العربيه السعوديه", "السعوديه"):
        assert [place.country_code for place in gazetteer.candidates(name)] == ["SA"]


def test_towns_named_after_a_country_are_not_under_its_name() -> None:
    assert [place.name for place in shipped_gazetteer().candidates("لبنان")] == ["Lebanon"]


def test_an_unknown_name_has_no_candidates() -> None:
    assert shipped_gazetteer().candidates("لا مكان بهذا الاسم") == ()


def test_the_shipped_gazetteer_loads_in_well_under_100_ms() -> None:
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        Gazetteer.load()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1


def test_a_built_file_loads_back_with_the_same_places(tmp_path: Path) -> None:
    gazetteer = Gazetteer.load(write_files(tmp_path, [(SIRTE, ["سرت"]), (BREGA, ["البريقه", "مرسي البريقه"])]))
    assert len(gazetteer) == 2
    assert gazetteer.candidates("سرت") == (SIRTE,)
    assert gazetteer.candidates("مرسي البريقه") == gazetteer.candidates("البريقه") == (BREGA,)


def test_places_sharing_a_name_are_all_candidates_in_file_order(tmp_path: Path) -> None:
    other = Place(1, "Sirt elsewhere", "EG", 30.0, 31.0, "P", 20000)
    gazetteer = Gazetteer.load(write_files(tmp_path, [(other, ["سرت"]), (SIRTE, ["سرت"])]))
    assert gazetteer.candidates("سرت") == (other, SIRTE)


def test_a_file_that_does_not_match_its_checksum_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, [(SIRTE, ["سرت"])])
    places = tmp_path / PLACES_FILE
    places.write_text(places.read_text(encoding="utf-8").replace("106705", "999999"), encoding="utf-8")
    with pytest.raises(ModelIntegrityError):
        Gazetteer.load(tmp_path)


def test_a_file_keyed_by_another_normalizer_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, [(SIRTE, ["سرت"])], normalizer="norm-000000000000")
    with pytest.raises(NormalizerMismatchError, match="norm-000000000000"):
        Gazetteer.load(tmp_path)


def test_the_shipped_file_records_the_running_normalizer() -> None:
    manifest = json.loads((DEFAULT_DATA_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest[NORMALIZER_FIELD] == NORMALIZER_VERSION


@pytest.mark.parametrize(("name", "country"), [("الفاتيكان", "VA"), ("موناكو", "MC"), ("جزر المالديف", "MV")])
def test_a_country_whose_cities_have_no_arabic_name_is_placed_all_the_same(name: str, country: str) -> None:
    """Regression: countries were placed at a city with an Arabic name, so the Vatican and 21 others were missing."""
    (place,) = shipped_gazetteer().candidates(place_key_of(name))
    assert (place.country_code, place.feature_class) == (country, "A")


def place_key_of(name: str) -> str:
    """A name as `normalized` has it (these have no proclitic)."""
    return " ".join(normalize_arabic_word(word) for word in name.split())
