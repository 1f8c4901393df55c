"""An entity's normal form: normalized tokens, a leading proclitic stripped only when it is one."""

from __future__ import annotations

import pytest

from workers.ner.normal_form import entity_normal_form, strip_proclitic

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
    assert entity_normal_form(tokens, COUNTS) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("والعراق", "العراق"), ("للوزاره", "الوزاره"), ("بالعراق", "العراق"), ("لوزاره", "لوزاره"), ("بغداد", "بغداد")],
)
def test_without_counts_only_the_article_is_evidence(word: str, expected: str) -> None:
    assert strip_proclitic(word, None) == expected
