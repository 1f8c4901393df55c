"""The gazetteer builder: names keyed as the pipeline normalizes entities, namesake towns kept off a
country's name, and files the runtime loads; the shipped file is what the builder makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.build_gazetteer import gather_places, is_namesake, keyed_places, place_keys, write_gazetteer
from workers.geo.gazetteer import DEFAULT_DATA_DIR, MANIFEST_FILE, PLACES_FILE, Gazetteer, Place

LEBANON = Place(272103, "Lebanon", "LB", 33.9, 35.5, "A", 6_848_925)
LEBANON_OHIO = Place(4516412, "Lebanon", "US", 39.4, -84.2, "P", 20_623)
OMAN = Place(286963, "Oman", "OM", 23.6, 58.4, "A", 4_829_483)
AMMAN = Place(250441, "Amman", "JO", 31.9, 35.9, "P", 1_275_857)
KUWAIT = Place(285570, "Kuwait", "KW", 29.4, 47.9, "A", 4_137_309)
KUWAIT_CITY = Place(285787, "Kuwait City", "KW", 29.4, 47.9, "P", 60_064)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("البريقة", {"البريقه"}),  # normalized as `normalized` is: ة → ه
        ("سِرْت", {"سرت", "السرت"}),  # no diacritics; one word without the article is also keyed with it
        ("خرطوم", {"خرطوم", "الخرطوم"}),
        ("طرابلس الشام", {"طرابلس الشام"}),
        ("گوانگژو", set()),  # Persian letters: not Arabic spelling
    ],
)
def test_a_name_is_keyed_by_the_entity_normal_form(name: str, keys: set[str]) -> None:
    assert place_keys(name) == keys


def test_a_small_town_of_another_country_is_a_namesake_but_a_large_city_or_a_capital_is_not() -> None:
    assert is_namesake(LEBANON_OHIO, LEBANON)
    assert not is_namesake(AMMAN, OMAN)  # «عمّان» and «عُمان» are one name once normalized
    assert not is_namesake(KUWAIT_CITY, KUWAIT)


def test_a_namesake_town_loses_the_countrys_name_and_keeps_its_others() -> None:
    keyed = dict(
        keyed_places([(LEBANON, ["لبنان"]), (LEBANON_OHIO, ["لبنان", "ليبانون"]), (AMMAN, ["عمان"]), (OMAN, ["عمان"])])
    )
    assert keyed[LEBANON] == ["اللبنان", "لبنان"]
    assert keyed[LEBANON_OHIO] == ["الليبانون", "ليبانون"]
    assert keyed[AMMAN] == keyed[OMAN] == ["العمان", "عمان"]


def test_a_place_left_without_a_name_is_dropped() -> None:
    assert keyed_places([(LEBANON, ["لبنان"]), (AMMAN, ["اَمان‌شهر گ"])]) == [(LEBANON, ["اللبنان", "لبنان"])]


def test_written_files_load_in_the_runtime(tmp_path: Path) -> None:
    keyed = keyed_places([(LEBANON, ["لبنان"]), (AMMAN, ["عمّان"]), (OMAN, ["عُمان"])])
    manifest = write_gazetteer(keyed, tmp_path, {"test": "hand-made places"})
    assert manifest["places"] == {"A": 2, "P": 1}
    assert manifest["ambiguous_names"] == 2  # «عمان» and «العمان»
    gazetteer = Gazetteer.load(tmp_path)
    assert gazetteer.candidates("عمان") == (AMMAN, OMAN)
    assert gazetteer.candidates("لبنان") == (LEBANON,)


def test_two_builds_write_the_same_bytes(tmp_path: Path) -> None:
    keyed = keyed_places([(LEBANON, ["لبنان"]), (AMMAN, ["عمّان"])])
    for out in ("a", "b"):
        write_gazetteer(keyed, tmp_path / out, {})
    for name in (PLACES_FILE, PLACES_FILE + ".sha256", MANIFEST_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.thorough
def test_the_shipped_gazetteer_is_what_the_builder_makes(tmp_path: Path) -> None:
    write_gazetteer(keyed_places(gather_places()), tmp_path, {})
    assert (tmp_path / PLACES_FILE).read_bytes() == (DEFAULT_DATA_DIR / PLACES_FILE).read_bytes()
