"""Proclitics as written: a conjunction, then a preposition or «لل» (ل + the article without its alef)."""

from __future__ import annotations

import pytest

from workers.text.clitics import ARTICLE, PROCLITIC_LETTERS, Reading, proclitic_readings, proclitic_split


def test_the_letters_and_the_article() -> None:
    assert sorted(PROCLITIC_LETTERS) == sorted("وفبكل")
    assert ARTICLE == "ال"


@pytest.mark.parametrize(
    ("word", "split"),
    [
        # A conjunction, a preposition, or both in that order.
        ("والعراق", ("و", "العراق")),
        ("فالحكومه", ("ف", "الحكومه")),
        ("بمصر", ("ب", "مصر")),
        ("كالعاده", ("ك", "العاده")),
        ("وبغداد", ("وب", "غداد")),  # spelling alone cannot tell «بغداد» is a name
        ("فلبنان", ("فل", "بنان")),
        # «لل» is ل + ال: the stem gets its article back.
        ("للوزاره", ("ل", "الوزاره")),
        ("وللوزاره", ("ول", "الوزاره")),
        ("فللحج", ("فل", "الحج")),
        # Never a preposition before a conjunction, never two of a kind.
        ("بوش", ("", "بوش")),
        ("ووزاره", ("و", "وزاره")),
        ("ببغداد", ("ب", "بغداد")),
        # At least three letters stay, the article's lam of «لل» counted with them.
        ("وزير", ("و", "زير")),
        ("وله", ("", "وله")),
        ("بها", ("", "بها")),
        ("للحج", ("ل", "الحج")),
        ("للح", ("", "للح")),
        ("", ("", "")),
    ],
)
def test_proclitic_split_takes_the_longest_reading(word: str, split: tuple[str, str]) -> None:
    assert proclitic_split(word) == split


def test_every_reading_longest_first() -> None:
    assert proclitic_readings("وللوزاره") == [
        Reading("ول", "الوزاره", elided=True),  # and for the ministry
        Reading("ول", "لوزاره"),  # and for «لوزاره»
        Reading("و", "للوزاره"),  # and «للوزاره»
    ]
    assert proclitic_readings("بغداد") == [Reading("ب", "غداد")]
    assert proclitic_readings("العراق") == []


def test_a_reading_knows_how_it_is_written() -> None:
    elided = proclitic_readings("وللوزاره")[0]
    assert (elided.written, elided.written_stem) == ("ولل", "لوزاره")
    plain = proclitic_readings("والعراق")[0]
    assert (plain.written, plain.written_stem) == ("و", "العراق")


@pytest.mark.parametrize(
    ("word", "min_stem", "stems"),
    [
        ("لوزاره", 4, ["وزاره"]),
        ("لوزاره", 6, []),
        ("للجنه", 4, ["الجنه", "لجنه"]),
        ("للجنه", 5, []),
    ],
)
def test_the_shortest_stem_is_the_callers_choice(word: str, min_stem: int, stems: list[str]) -> None:
    assert [reading.stem for reading in proclitic_readings(word, min_stem)] == stems


@pytest.mark.parametrize(
    ("word", "stems"),
    [
        ("بوزاره", ["زاره", "وزاره"]),  # any two letters, in any order
        ("للجنه", ["الجنه"]),  # «لل» only as ل + ال
        ("وللجنه", ["الجنه", "للجنه"]),
        ("ككركوك", ["ركوك", "كركوك"]),
    ],
)
def test_any_order_is_the_loose_reading(word: str, stems: list[str]) -> None:
    assert [reading.stem for reading in proclitic_readings(word, 4, any_order=True)] == stems
