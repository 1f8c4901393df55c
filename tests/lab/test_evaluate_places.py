"""The place evaluation: precision and coverage counted as the module says, on a hand-made set, and
the shipped place set as the issue asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.evaluate_places import (
    COLUMNS,
    DEFAULT_PLACE_SET,
    NONE,
    OUT,
    LabelledName,
    read_place_set,
    report,
    resolve_set,
    score,
)
from workers.geo.gazetteer import Gazetteer, Place, format_row, shipped_gazetteer

TOWN_LY = Place(1, "Town", "LY", 0.0, 0.0, "P", 500_000)
TOWN_LB = Place(2, "Town", "LB", 0.0, 0.0, "P", 100_000)
CITY_LB = Place(3, "City", "LB", 0.0, 0.0, "P", 300_000)
GAZETTEER = Gazetteer.from_rows(
    [format_row(TOWN_LY, ["بلده"]), format_row(TOWN_LB, ["بلده"]), format_row(CITY_LB, ["مدينه"])]
)


def labelled(context: str, mention: str, gold: str, count: int = 1) -> LabelledName:
    return LabelledName(context, mention, count, gold, "dev")


def test_counts_precision_and_coverage_as_documented() -> None:
    names = [
        labelled("a", "بلده", "1"),  # resolved to the Libyan town by population: correct
        labelled("b", "بلده", "2"),  # beside a Lebanese city: the Lebanese town, correct
        labelled("b", "مدينه", "3", count=2),  # correct
        labelled("c", "مدينه", NONE),  # resolved, but no place in its context: wrong
        labelled("d", "قريه", "9"),  # a GeoNames gold the gazetteer lacks: not resolved
        labelled("d", "بحر", OUT),  # not resolved, and no GeoNames gold: outside coverage
    ]
    scores = score(resolve_set(names, GAZETTEER, min_confidence=0.6))
    assert (scores.names, scores.with_gold_id, scores.resolved, scores.correct) == (6, 4, 4, 3)
    assert scores.precision == pytest.approx(3 / 4)
    assert scores.coverage == pytest.approx(3 / 4)  # resolved among the four with a GeoNames gold


def test_either_of_two_gold_ids_is_correct() -> None:
    (outcome,) = resolve_set([labelled("a", "مدينه", "7|3")], GAZETTEER, min_confidence=0.6)
    assert outcome.correct and outcome.name.gold_ids == {3, 7}


def test_the_names_of_one_context_are_resolved_together() -> None:
    alone = resolve_set([labelled("x", "بلده", "2")], GAZETTEER, min_confidence=0.6)
    together = resolve_set([labelled("x", "بلده", "2"), labelled("x", "مدينه", "3")], GAZETTEER, min_confidence=0.6)
    assert not alone[0].correct and together[0].correct


def test_reads_the_tab_separated_set(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("\t".join(COLUMNS) + "\n" + "seed:x\tسرت\t4\t2210554\tdev\thand\t\n", encoding="utf-8")
    assert read_place_set(path) == [LabelledName("seed:x", "سرت", 4, "2210554", "dev")]


def test_the_report_gives_the_overall_line_and_each_split() -> None:
    text = report([labelled("a", "بلده", "1"), labelled("b", "مدينه", NONE)], GAZETTEER, 0.6, errors=True)
    assert "precision 0.500  coverage 1.000" in text
    assert "split dev" in text and "gold NONE\tgot 3 City" in text


# --- the shipped place set ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def place_set() -> list[LabelledName]:
    return read_place_set(DEFAULT_PLACE_SET)


def test_the_place_set_has_over_200_distinct_place_mentions_with_valid_gold(place_set: list[LabelledName]) -> None:
    assert len({(name.context, name.mention) for name in place_set}) == len(place_set) >= 200
    assert all(name.gold in (OUT, NONE) or name.gold_ids for name in place_set)
    assert {name.split for name in place_set} == {"dev", "heldout"}


def test_place_resolution_precision_is_at_least_0_9_on_the_place_set(place_set: list[LabelledName]) -> None:
    outcomes = resolve_set(place_set, shipped_gazetteer(), min_confidence=0.6)
    assert score(outcomes).precision >= 0.9
    assert score(o for o in outcomes if o.name.split == "heldout").precision >= 0.9
