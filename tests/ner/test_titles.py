"""Persons after ranks and titles: the name begins right after the title, which stays outside it."""

from __future__ import annotations

from collections.abc import Sequence

from workers.ner.titles import TitledPersonTagger, add_titled_persons, title_kind


def words(text: str) -> list[str]:
    return text.split()


def test_a_name_after_a_rank_is_a_person_when_the_tagger_found_none() -> None:
    tokens = words("ضم الاجتماع اللواء المبروك المقرض المكلف بتسيير الغرفة")
    tags = add_titled_persons(tokens, ["O"] * len(tokens))
    assert tags == ["O", "O", "O", "B-PER", "I-PER", "O", "O", "O"]


def test_a_person_cut_after_a_rank_or_title_begins_right_after_it() -> None:
    tokens = words("القائد العام المشير خليفة حفتر تقضي")
    assert add_titled_persons(tokens, ["O", "O", "O", "O", "B-PER", "O"]) == ["O", "O", "O", "B-PER", "I-PER", "O"]


def test_civil_titles_are_left_alone_an_adjective_may_stand_before_the_name() -> None:
    tokens = words("قال الرئيس الأمريكي جورج بوش")
    assert add_titled_persons(tokens, ["O", "O", "O", "B-PER", "I-PER"]) == ["O", "O", "O", "B-PER", "I-PER"]
    tokens = words("قال الرئيس الأمريكي إن")
    assert add_titled_persons(tokens, ["O"] * 4) == ["O"] * 4


def test_other_entities_and_function_words_are_left_alone() -> None:
    tokens = words("العميد في الغرفة")
    assert add_titled_persons(tokens, ["O"] * 3) == ["O"] * 3
    tokens = words("العقيد سرت الكبرى")
    assert add_titled_persons(tokens, ["O", "B-LOC", "O"]) == ["O", "B-LOC", "O"]
    tokens = words("المشير وزارة الداخلية حفتر")  # an ORG between the title and the person
    assert add_titled_persons(tokens, ["O", "B-ORG", "I-ORG", "B-PER"]) == ["O", "B-ORG", "I-ORG", "B-PER"]


def test_titles_are_read_normalized_and_after_a_conjunction() -> None:
    assert title_kind("والعميد") == "rank"
    assert title_kind("الأمير") == "title"
    assert title_kind("العمدة") is None


class NoEntities:
    name, version = "none", "0"

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return ["O"] * len(tokens)


def test_the_layer_wraps_any_tagger_and_names_itself() -> None:
    tagger = TitledPersonTagger(NoEntities())
    assert (tagger.name, tagger.version) == ("none+titles", "0")
    assert tagger.tag_sentences([words("العقيد ميمي الطرشناني")]) == [["O", "B-PER", "I-PER"]]
