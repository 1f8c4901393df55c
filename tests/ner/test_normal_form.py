"""An entity's normal form: normalized tokens, a leading proclitic stripped only when it is one."""

from __future__ import annotations

import pytest

from workers.ner.normal_form import (
    EntityNormalForm,
    NormalForm,
    entity_normal_form,
    shipped_normal_form,
    split_proclitic,
    strip_proclitic,
)
from workers.ner.resources import load_resources
from workers.text.clitics import Reading

# Word counts as a large news corpus would have them (orders of magnitude matter, not the values).
COUNTS = {
    "وزاره": 5000,
    "لوزاره": 800,
    "العراق": 9000,
    "والعراق": 600,
    "بغداد": 3000,
    "غداد": 1,
    "كركوك": 400,
    "فرنسا": 2500,
    "وليد": 300,
    "ليد": 5,
    "والده": 400,
    "الده": 0,
    "والي": 500,
    "الي": 10000,
    "وكاله": 600,
    "كاله": 2,
    "اله": 3000,
    "لبنان": 4000,
    "ولبنان": 500,
    "بنان": 3,
    "ولوزاره": 20,
}


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["لوزارة", "الداخلية"], "وزاره الداخليه"),
        (["والعراق"], "العراق"),
        (["للوزارة"], "الوزاره"),
        (["بالعراق"], "العراق"),
        (["وبغداد"], "بغداد"),
        (["بغداد"], "بغداد"),
        (["كركوك"], "كركوك"),
        (["فرنسا"], "فرنسا"),
        (["وليد", "جنبلاط"], "وليد جنبلاط"),
        (["والده"], "والده"),
        (["والي", "بغداد"], "والي بغداد"),
        (["وكالة", "الأنباء"], "وكاله الانباء"),
        (["ولبنان"], "لبنان"),
        (["ولوزارة"], "وزاره"),
        (["خالد", "المحجوب"], "خالد المحجوب"),
        (["وزارة", "الدّاخليّة"], "وزاره الداخليه"),
        (["أحمد", "لوزارة"], "احمد لوزاره"),
        ([], ""),
    ],
)
def test_entity_normal_form_with_word_counts(tokens: list[str], expected: str) -> None:
    assert entity_normal_form(tokens, COUNTS).text == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("والعراق", "العراق"), ("للوزاره", "الوزاره"), ("بالعراق", "العراق"), ("لوزاره", "لوزاره"), ("بغداد", "بغداد")],
)
def test_without_counts_only_the_article_is_evidence(word: str, expected: str) -> None:
    assert strip_proclitic(word, None) == expected


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("لوزاره", Reading("ل", "وزاره")),
        ("والعراق", Reading("و", "العراق")),
        ("بالعراق", Reading("ب", "العراق")),
        ("للوزاره", Reading("ل", "الوزاره", elided=True)),
        ("ولوزاره", Reading("ول", "وزاره")),
        ("ولبنان", Reading("و", "لبنان")),
        ("وبغداد", Reading("و", "بغداد")),
        ("بغداد", Reading("", "بغداد")),
        ("كركوك", Reading("", "كركوك")),
        ("وليد", Reading("", "وليد")),
        ("والده", Reading("", "والده")),
        ("والي", Reading("", "والي")),
    ],
)
def test_the_split_says_what_it_took_off(word: str, reading: Reading) -> None:
    """One decision, two uses: the stem is the normal form's first word, the clitics what the span leaves out."""
    assert split_proclitic(word, COUNTS) == reading
    assert strip_proclitic(word, COUNTS) == reading.stem


def test_a_word_the_corpus_writes_after_the_article_is_a_stem() -> None:
    """Proclitics come before the article, never after: «البلديه» shows «بلديه» is a word, not ب + «لديه»."""
    counts = {"بلديه": 587, "لديه": 3164, "البلديه": 835, "لبلديه": 37, "فيصل": 1414, "يصل": 5491, "الفيصل": 173}
    assert split_proclitic("بلديه", counts) == Reading("", "بلديه")
    assert split_proclitic("فيصل", counts) == Reading("", "فيصل")
    assert split_proclitic("لبلديه", counts) == Reading("ل", "بلديه")
    assert split_proclitic("بلديه", {"بلديه": 587, "لديه": 3164, "البلديه": 9}) == Reading("ب", "لديه")


def test_the_normal_form_carries_the_reading_of_its_first_token() -> None:
    assert entity_normal_form(["لوزارة", "الداخلية"], COUNTS) == NormalForm("وزاره الداخليه", Reading("ل", "وزاره"))
    assert entity_normal_form(["بغداد"], COUNTS) == NormalForm("بغداد", None)
    assert entity_normal_form(["أحمد", "لوزارة"], COUNTS).proclitic is None
    assert entity_normal_form([], COUNTS) == NormalForm("", None)


def test_the_normal_form_callable_carries_its_counts() -> None:
    assert EntityNormalForm(COUNTS)(["لوزارة", "الداخلية"]).text == "وزاره الداخليه"
    assert EntityNormalForm(None)(["لوزارة", "الداخلية"]) == NormalForm("لوزاره الداخليه", None)
    assert EntityNormalForm({})(["للوزارة"]).text == "الوزاره"


def test_the_shipped_normal_form_uses_the_shipped_word_counts() -> None:
    """Reads the shipped resources (the pipeline's default normal form)."""
    counts = load_resources().word_counts
    for tokens in (["لوزارة", "الداخلية"], ["ولبنان"], ["بغداد"], ["وليد", "جنبلاط"]):
        assert shipped_normal_form(tokens) == entity_normal_form(tokens, counts)
    assert shipped_normal_form(["لوزارة", "الداخلية"]).text == "وزاره الداخليه"
    assert shipped_normal_form(["بلدية", "سرت"]).text == "بلديه سرت"
    assert shipped_normal_form(["لبلدية", "سرت"]).text == "بلديه سرت"
