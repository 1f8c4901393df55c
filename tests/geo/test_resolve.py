"""Resolving an article's place names: by population alone, by the article's other places, and not
at all below the documented confidence. The pipeline's places on whole articles (the founding article's
Sirte and Brega, Tripoli by context) are in tests/test_seed_article.py and tests/test_pipeline_entities.py."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from workers.geo.gazetteer import Gazetteer, Place, format_row, shipped_gazetteer
from workers.geo.resolve import MIN_CONFIDENCE, UNLISTED_POPULATION, Resolution, resolve_places


def place_of(resolution: Resolution | None) -> tuple[int, str]:
    assert resolution is not None
    return resolution.place.geonames_id, resolution.place.country_code


def test_without_context_the_more_populous_tripoli_is_chosen() -> None:
    assert place_of(resolve_places(["طرابلس"], shipped_gazetteer())[0]) == (2210247, "LY")


def test_a_country_name_resolves_to_the_country_and_is_context_for_the_others() -> None:
    amman_or_oman, jordan = resolve_places(["عمان", "الاردن"], shipped_gazetteer())
    assert jordan is not None and (jordan.place.country_code, jordan.place.feature_class) == ("JO", "A")
    assert place_of(amman_or_oman) == (250441, "JO")  # Amman; «عمان» alone is Oman
    (oman,) = resolve_places(["عمان"], shipped_gazetteer())
    assert oman is not None and (oman.place.name, oman.place.feature_class) == ("Oman", "A")


def test_a_country_is_chosen_over_its_capital_of_the_same_name() -> None:
    kuwait, algeria = resolve_places(["الكويت", "الجزائر"], shipped_gazetteer())
    assert kuwait is not None and (kuwait.place.name, kuwait.place.feature_class) == ("Kuwait", "A")
    assert algeria is not None and (algeria.place.name, algeria.place.feature_class) == ("Algeria", "A")


def test_an_unknown_name_is_none_and_changes_nothing_for_the_others() -> None:
    alone = resolve_places(["سرت"], shipped_gazetteer())
    assert resolve_places(["لا مكان بهذا الاسم", "سرت"], shipped_gazetteer()) == [None, *alone]


# --- the confidence formula, on a gazetteer of made-up places ---------------------------------------


def town(geonames_id: int, country: str, population: int, feature_class: str = "P") -> Place:
    return Place(geonames_id, f"place {geonames_id}", country, 0.0, 0.0, feature_class, population)


def gazetteer_of(*rows: tuple[Place, Sequence[str]]) -> Gazetteer:
    return Gazetteer.from_rows([format_row(place, keys) for place, keys in rows])


def test_a_lone_candidate_has_its_population_against_the_unlisted_weight() -> None:
    gazetteer = gazetteer_of((town(1, "LY", 149_999), ["مدينه"]))
    (resolution,) = resolve_places(["مدينه"], gazetteer, min_confidence=0.0)
    assert resolution is not None
    assert resolution.confidence == pytest.approx(150_000 / (150_000 + UNLISTED_POPULATION))


def test_a_small_town_alone_is_below_the_threshold_and_resolved_beside_a_place_of_its_country() -> None:
    gazetteer = gazetteer_of((town(1, "LY", 20_000), ["قريه"]), (town(2, "LY", 500_000), ["مدينه"]))
    assert resolve_places(["قريه"], gazetteer) == [None]
    village, _ = resolve_places(["قريه", "مدينه"], gazetteer)
    assert village is not None and village.place.geonames_id == 1 and village.confidence >= MIN_CONFIDENCE


def test_the_threshold_leaves_an_even_choice_unresolved() -> None:
    gazetteer = gazetteer_of((town(1, "LY", 1_000_000), ["اسم"]), (town(2, "LB", 1_000_000), ["اسم"]))
    assert resolve_places(["اسم"], gazetteer) == [None]
    (guess,) = resolve_places(["اسم"], gazetteer, min_confidence=0.4)
    assert guess is not None and guess.confidence == pytest.approx(1_000_000 / (2_000_001 + UNLISTED_POPULATION), 1e-3)


def test_a_continent_gives_no_country_support() -> None:
    gazetteer = gazetteer_of(
        (town(1, "LY", 300_000), ["اسم"]),
        (town(2, "LB", 200_000), ["اسم"]),
        (town(3, "", 1_000_000_000, "L"), ["قاره"]),
    )
    assert resolve_places(["اسم", "قاره"], gazetteer)[0] == resolve_places(["اسم"], gazetteer)[0]


def outcomes(names: Sequence[str]) -> dict[str, tuple[Place, float] | None]:
    """Each name's place and confidence (to 9 places), resolved on the shipped gazetteer."""
    resolutions = resolve_places(names, shipped_gazetteer(), min_confidence=0.0)
    return {
        name: None if found is None else (found.place, round(found.confidence, 9))
        for name, found in zip(names, resolutions, strict=True)
    }


def test_the_order_of_the_names_changes_nothing() -> None:
    names = ["بيروت", "طرابلس", "صيدا", "لبنان", "سوريا", "عمان"]
    assert outcomes(names) == outcomes(names[::-1])


def test_the_confidences_the_module_docstring_gives() -> None:
    rounded = {
        name: round(found[1], 2) for name, found in outcomes(["سرت"]).items() | outcomes(["البريقه"]).items() if found
    }
    assert rounded == {"سرت": 0.68, "البريقه": 0.39}
    together = outcomes(["سرت", "البريقه"])
    assert all(found is not None and found[1] > 0.9 for found in together.values())
    lebanon = outcomes(["طرابلس", "لبنان"])["طرابلس"]
    assert lebanon is not None and (lebanon[0].country_code, round(lebanon[1], 2)) == ("LB", 0.78)
