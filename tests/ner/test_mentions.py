"""An entity's span as a reader draws it: the proclitic the normal form took off is left out, as written."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from workers.ner.mentions import drawn_clitics, written_proclitic
from workers.ner.normal_form import entity_normal_form
from workers.ner.resources import load_resources
from workers.text.clitics import Reading

# Word counts with the shipped table's orders of magnitude.
COUNTS = {
    "وزاره": 5000,
    "لوزاره": 400,
    "اداره": 5000,
    "واداره": 500,
    "بلديه": 600,
    "لبلديه": 40,
    "بغداد": 10000,
    "كركوك": 200,
    "وليد": 450,
    "ليد": 85,
    "احمد": 8000,
    "لاحمد": 100,
    "والده": 400,
    "الده": 0,
}

FIVE = [
    ("والزرقاء", "و", "الزرقاء"),
    ("لوزارة الداخلية", "ل", "وزارة الداخلية"),
    ("بالقيادة العامة", "ب", "القيادة العامة"),
    ("وإدارة الدعم المركزي", "و", "إدارة الدعم المركزي"),
    ("لبلدية سرت", "ل", "بلدية سرت"),
]


def drawn(written: str, counts: Mapping[str, int] | None) -> tuple[str, str]:
    """(proclitic, text) of an entity written as `written` (tokens split by spaces)."""
    tokens = written.split(" ")
    proclitic = written_proclitic(tokens[0], entity_normal_form(tokens, counts).proclitic)
    assert written.startswith(proclitic)
    return proclitic, written[len(proclitic) :]


@pytest.mark.parametrize(("written", "proclitic", "text"), FIVE)
def test_the_span_starts_after_the_proclitic(written: str, proclitic: str, text: str) -> None:
    assert drawn(written, COUNTS) == (proclitic, text)


def test_the_five_with_the_shipped_word_counts() -> None:
    """Reads the shipped resources: the pipeline's default word counts decide the same way."""
    counts = load_resources().word_counts
    assert [drawn(written, counts) for written, *_ in FIVE] == [(p, t) for _, p, t in FIVE]
    assert [drawn(name, counts) for name in ("بغداد", "كركوك", "وليد")] == [("", "بغداد"), ("", "كركوك"), ("", "وليد")]


@pytest.mark.parametrize("name", ["بغداد", "كركوك", "وليد", "وليد جنبلاط", "والده", "والي بغداد"])
def test_a_first_letter_that_only_looks_like_a_proclitic_stays(name: str) -> None:
    assert drawn(name, COUNTS) == ("", name)


def test_the_diacritics_written_on_the_proclitic_go_with_it() -> None:
    assert drawn("وَالزَّرْقَاء", COUNTS) == ("وَ", "الزَّرْقَاء")
    assert drawn("وَإِدَارَة الدعم", COUNTS) == ("وَ", "إِدَارَة الدعم")


def test_a_tatweel_after_the_proclitic_goes_with_it() -> None:
    assert drawn("بـالقيادة العامة", COUNTS) == ("بـ", "القيادة العامة")


def test_two_proclitics_are_taken_off_together() -> None:
    assert drawn("وبالقيادة العامة", COUNTS) == ("وب", "القيادة العامة")
    assert drawn("ولوزارة الداخلية", COUNTS) == ("ول", "وزارة الداخلية")


def test_the_lam_of_the_elided_article_keeps_the_token_whole() -> None:
    """«للوزارة» is ل + «الوزارة» with the alef elided: no prefix of it is the name as written, and
    «لوزارة» would still read as a proclitic. The span keeps both lams; `normalized` is «الوزاره»."""
    assert entity_normal_form(["للوزارة"], COUNTS).text == "الوزاره"
    assert drawn("للوزارة", COUNTS) == ("", "للوزارة")
    assert drawn("للقيادة العامة", COUNTS) == ("", "للقيادة العامة")
    assert drawn("وللوزارة", COUNTS) == ("و", "للوزارة")
    assert drawn_clitics(Reading("ول", "الوزاره", elided=True)) == "و"


def test_a_presentation_form_is_mapped_as_its_letter() -> None:
    """The written token need not hold the normalized letters: an isolated-form waw (U+FEED) is «و»."""
    assert drawn("\ufeedالزرقاء", COUNTS) == ("\ufeed", "الزرقاء")


def test_a_proclitic_fused_in_one_character_with_the_stem_keeps_the_token_whole() -> None:
    """The lam-alef ligature «ﻻ» holds the proclitic ل and the stem's alef: there is no cut between them."""
    assert entity_normal_form(["لاحمد"], COUNTS).proclitic == Reading("ل", "احمد")
    assert drawn("\ufefbحمد", COUNTS) == ("", "\ufefbحمد")


def test_without_a_reading_nothing_is_taken() -> None:
    assert written_proclitic("لوزارة", None) == ""
    assert written_proclitic("لوزارة", Reading("ب", "وزاره")) == ""
