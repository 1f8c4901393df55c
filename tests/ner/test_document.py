"""The document pass: repeats of predicted entities and later parts of person names are tagged across
an article's sentences; only O tokens change; a string predicted with several types takes the most
frequent."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workers.ner.document import DocumentRules, document_tags

RULES = DocumentRules()


def sentence(text: str) -> list[str]:
    return text.split()


def test_a_repeat_of_a_predicted_entity_gets_its_type() -> None:
    tokens = [sentence("قال الرئيس جورج بوش أمس"), sentence("وصل جورج بوش إلى لندن")]
    tags = [["O", "O", "B-PER", "I-PER", "O"], ["O", "O", "O", "O", "B-LOC"]]
    assert document_tags(tokens, tags) == [tags[0], ["O", "B-PER", "I-PER", "O", "B-LOC"]]


def test_repeats_match_normalized_words_and_may_carry_proclitics() -> None:
    tokens = [sentence("زار الوفد العراق"), sentence("وعاد إلى والعراق")]
    assert document_tags(tokens, [["O", "O", "B-LOC"], ["O", "O", "O"]])[1] == ["O", "O", "B-LOC"]
    # «لإسرائيل» is ل + «اسرائيل» (the hamza folded by the normalizer): the whole token is tagged.
    tokens = [sentence("في إسرائيل"), sentence("قال لاسرائيل")]
    assert document_tags(tokens, [["O", "B-LOC"], ["O", "O"]])[1] == ["O", "B-LOC"]


def test_an_entitys_own_proclitic_before_the_article_is_not_part_of_the_string() -> None:
    tokens = [sentence("ووصل والعراق"), sentence("في العراق")]
    assert document_tags(tokens, [["O", "B-LOC"], ["O", "O"]])[1] == ["O", "B-LOC"]


def test_later_parts_of_a_person_name_are_persons_after_it() -> None:
    tokens = [sentence("قال المشير خليفة حفتر"), sentence("وأضاف حفتر أن"), sentence("ورد لحفتر")]
    tags = [["O", "O", "B-PER", "I-PER"], ["O", "O", "O"], ["O", "O"]]
    assert document_tags(tokens, tags)[1:] == [["O", "B-PER", "O"], ["O", "B-PER"]]


def test_a_name_part_before_the_full_name_is_left_unless_the_rules_say_so() -> None:
    tokens = [sentence("وأضاف حفتر"), sentence("قال خليفة حفتر")]
    tags = [["O", "O"], ["O", "B-PER", "I-PER"]]
    assert document_tags(tokens, tags)[0] == ["O", "O"]
    assert document_tags(tokens, tags, replace(RULES, name_parts_before=True))[0] == ["O", "B-PER"]


def test_name_particles_are_not_names_on_their_own() -> None:
    tokens = [sentence("قال محمد عبد الله"), sentence("بسم الله"), sentence("قال عبد الرحمن")]
    tags = [["O", "B-PER", "I-PER", "I-PER"], ["O", "O"], ["O", "O", "O"]]
    assert document_tags(tokens, tags)[1:] == tags[1:]


def test_no_other_entity_is_overwritten_or_cut() -> None:
    tokens = [sentence("في بغداد"), sentence("جامعة بغداد"), sentence("مطار بغداد الدولي")]
    tags = [["O", "B-LOC"], ["B-ORG", "I-ORG"], ["B-LOC", "I-LOC", "I-LOC"]]
    assert document_tags(tokens, tags) == tags


def test_a_string_predicted_with_several_types_takes_the_most_frequent() -> None:
    tokens = [sentence("صحيفة الأهرام"), sentence("قالت الأهرام"), sentence("في الأهرام"), sentence("عن الأهرام")]
    tags = [["O", "B-ORG"], ["O", "B-ORG"], ["O", "B-MISC"], ["O", "O"]]
    assert document_tags(tokens, tags)[3] == ["O", "B-ORG"]
    assert document_tags(tokens, tags, replace(RULES, conflict="unanimous"))[3] == ["O", "O"]


def test_a_tie_between_types_tags_nothing() -> None:
    tokens = [sentence("صحيفة الأهرام"), sentence("في الأهرام"), sentence("عن الأهرام")]
    tags = [["O", "B-ORG"], ["O", "B-MISC"], ["O", "O"]]
    assert document_tags(tokens, tags)[2] == ["O", "O"]


def test_repeats_are_tagged_only_within_the_window() -> None:
    tokens = [sentence("في سرت"), *[sentence("كلام عادي")] * 3, sentence("عن سرت")]
    tags = [["O", "B-LOC"], *[["O", "O"]] * 3, ["O", "O"]]
    assert document_tags(tokens, tags, replace(RULES, window=3))[4] == ["O", "O"]
    assert document_tags(tokens, tags, replace(RULES, window=4))[4] == ["O", "B-LOC"]
    assert document_tags(tokens, tags, replace(RULES, window=None))[4] == ["O", "B-LOC"]


def test_single_words_can_be_left_out() -> None:
    tokens = [sentence("في سرت"), sentence("عن سرت")]
    tags = [["O", "B-LOC"], ["O", "O"]]
    assert document_tags(tokens, tags, replace(RULES, min_tokens=2))[1] == ["O", "O"]


def test_the_longest_repeat_wins_and_a_join_continues_the_entity_before_it() -> None:
    tokens = [sentence("قال جورج بوش"), sentence("قال جورج"), sentence("قال جورج بوش")]
    tags = [["O", "B-PER", "I-PER"], ["O", "B-PER"], ["O", "B-PER", "O"]]
    assert document_tags(tokens, tags)[2] == ["O", "B-PER", "I-PER"]
    assert document_tags(tokens, tags, replace(RULES, join=False))[2] == ["O", "B-PER", "B-PER"]


def test_a_repeat_touching_an_entity_of_another_type_is_left() -> None:
    tokens = [sentence("مدينة هونج كونج"), sentence("زار هونج كونج")]
    tags = [["O", "B-PER", "I-PER"], ["O", "B-LOC", "O"]]
    assert document_tags(tokens, tags)[1] == ["O", "B-LOC", "O"]
    assert document_tags(tokens, tags, replace(RULES, apart_from_others=False))[1] == ["O", "B-LOC", "B-PER"]


def test_tails_of_a_name_are_names_but_function_words_and_particles_are_not() -> None:
    tokens = [sentence("قال ماركو فان باستن"), sentence("وأكد فان باستن"), sentence("قال الحسين بن علي على")]
    tags = [["O", "B-PER", "I-PER", "I-PER"], ["O", "O", "O"], ["O", "B-PER", "I-PER", "I-PER", "O"]]
    result = document_tags([*tokens, sentence("وقع على الأرض")], [*tags, ["O", "O", "O"]])
    assert result[1] == ["O", "B-PER", "I-PER"]  # «فان باستن», not «باستن» alone
    assert result[2][4] == "O" and result[3] == ["O", "O", "O"]  # «على» normalizes to the name «علي»


def test_the_input_is_left_as_it_was_and_must_have_a_tag_per_token() -> None:
    tokens = [sentence("في سرت"), sentence("عن سرت")]
    tags = [["O", "B-LOC"], ["O", "O"]]
    document_tags(tokens, tags)
    assert tags == [["O", "B-LOC"], ["O", "O"]]
    assert document_tags([], []) == []
    with pytest.raises(ValueError):
        document_tags(tokens, [["O"], ["O", "O"]])
