"""Mentions of one entity are grouped when the article makes it clear, and the group is named by its
fullest form."""

from workers.article.entities import Group, group_mentions
from workers.contract.records import EntityType


def grouped(*mentions: tuple[EntityType, str]) -> list[list[str]]:
    """The normalized forms of each group, canonical form first."""
    return [
        [mentions[group.canonical][1], *(mentions[i][1] for i in group.mentions if i != group.canonical)]
        for group in group_mentions(mentions)
    ]


def test_a_surname_joins_the_full_name_before_or_after_it() -> None:
    assert grouped(("PER", "المحجوب"), ("PER", "خالد المحجوب"), ("PER", "المحجوب")) == [
        ["خالد المحجوب", "المحجوب", "المحجوب"]
    ]


def test_a_given_name_joins_the_one_full_name_it_begins() -> None:
    assert grouped(("PER", "عثمان الطيب"), ("PER", "عثمان")) == [["عثمان الطيب", "عثمان"]]


def test_a_part_shared_by_two_full_names_stays_apart() -> None:
    assert grouped(("PER", "خالد المحجوب"), ("PER", "خالد المنصوري"), ("PER", "خالد")) == [
        ["خالد المحجوب"],
        ["خالد المنصوري"],
        ["خالد"],
    ]


def test_a_part_of_several_forms_of_one_person_joins_that_person() -> None:
    assert grouped(("PER", "المشير خليفه حفتر"), ("PER", "خليفه حفتر"), ("PER", "حفتر")) == [
        ["المشير خليفه حفتر", "خليفه حفتر", "حفتر"]
    ]


def test_a_part_in_the_middle_of_a_name_is_not_a_way_of_naming_it() -> None:
    assert grouped(("PER", "هاله عبد الرحيم"), ("PER", "عبد")) == [["هاله عبد الرحيم"], ["عبد"]]


def test_an_organisation_without_its_institution_noun_joins_the_one_full_name() -> None:
    assert grouped(("ORG", "وزاره الداخليه"), ("ORG", "الداخليه")) == [["وزاره الداخليه", "الداخليه"]]
    assert grouped(("ORG", "وزاره الداخليه"), ("ORG", "مديريه الداخليه"), ("ORG", "الداخليه")) == [
        ["وزاره الداخليه"],
        ["مديريه الداخليه"],
        ["الداخليه"],
    ]


def test_an_organisation_is_not_named_by_its_last_word_alone() -> None:
    assert grouped(("ORG", "البنك المركزي الاردني"), ("ORG", "الاردني")) == [["البنك المركزي الاردني"], ["الاردني"]]


def test_places_and_other_names_join_only_their_identical_forms() -> None:
    assert grouped(("LOC", "سرت"), ("LOC", "بلديه سرت"), ("LOC", "سرت")) == [["سرت", "سرت"], ["بلديه سرت"]]
    assert grouped(("MISC", "كاس العالم"), ("MISC", "العالم")) == [["كاس العالم"], ["العالم"]]


def test_types_are_never_mixed() -> None:
    assert grouped(("PER", "الطيب"), ("ORG", "شركه الطيب")) == [["الطيب"], ["شركه الطيب"]]


def test_groups_follow_their_first_mention_and_keep_mentions_in_reading_order() -> None:
    groups = group_mentions([("LOC", "ليبيا"), ("PER", "المنصوري"), ("PER", "خالد المنصوري"), ("LOC", "ليبيا")])
    assert groups == [Group((0, 3), canonical=0), Group((1, 2), canonical=2)]


def test_the_canonical_form_is_the_longest_then_the_most_frequent_then_the_first() -> None:
    [group] = group_mentions([("PER", "خالد"), ("PER", "خالد المحجوب"), ("PER", "المحجوب")])
    assert group.canonical == 1
    assert group_mentions([("LOC", "سرت"), ("LOC", "سرت")])[0].canonical == 0


def test_an_article_without_entities_has_no_groups() -> None:
    assert group_mentions([]) == []
