"""Institutions the training data leaves untagged come out as ORG, persons and places stay intact."""

from collections.abc import Sequence

import pytest

from workers.ner.institutions import InstitutionTagger
from workers.ner.resources import Resources, load_resources
from workers.ner.spans import bio_spans

#: The resources of these tests: a gazetteer of two places.
PLACES = Resources(
    clusters={}, word_counts={}, gazetteer={"سرت": frozenset({"LOC"}), "بنغازي": frozenset({"LOC"})}, longest_entry=1
)


class FixedTagger:
    """Test double: the tags a base model would give, by token."""

    name = "fixed"
    version = "test"

    def __init__(self, tags: dict[str, str]) -> None:
        self._tags = tags

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return [self._tags.get(token, "O") for token in tokens]


def entities(sentence: str, base: dict[str, str] | None = None, resources: Resources = PLACES) -> list[tuple[str, str]]:
    tokens = sentence.split()
    tags = InstitutionTagger(FixedTagger(base or {}), resources).tag(tokens)
    return [(span.type, " ".join(tokens[span.start : span.end])) for span in bio_spans(tags)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("بيان لوزارة الداخلية أمس", [("ORG", "لوزارة الداخلية")]),
        ("اجتماع مديرية أمن سرت اليوم", [("ORG", "مديرية أمن سرت")]),  # construct noun + a place
        (
            "مدير إدارة المدفعية والصواريخ بالقيادة العامة",
            [("ORG", "إدارة المدفعية والصواريخ"), ("ORG", "بالقيادة العامة")],
        ),
        ("مدير مكتب الإعلام الأمني بوزارة الداخلية", [("ORG", "مكتب الإعلام الأمني"), ("ORG", "بوزارة الداخلية")]),
        ("الغرفة الأمنية المشتركة التي تضم القوات", []),  # not an institution noun
        ("وزارة في المدينة", []),  # a preposition does not continue a name
        ("قالت الوزارة إن", []),  # the noun alone names nothing
    ],
)
def test_institutions(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert entities(sentence) == expected


def test_a_title_ends_the_name() -> None:
    assert entities("إدارة الشرطة العسكرية العميد باسط") == [("ORG", "إدارة الشرطة العسكرية")]


def test_a_person_found_by_the_tagger_ends_the_name_and_stays_a_person() -> None:
    base = {"سالم": "B-PER", "عامر": "I-PER"}
    assert entities("المجلس التسييري لبلدية سرت سالم عامر", base) == [
        ("ORG", "المجلس التسييري"),
        ("ORG", "لبلدية سرت"),
        ("PER", "سالم عامر"),
    ]


def test_a_place_inside_the_name_is_absorbed_and_an_entity_cut_at_its_start_begins_anew() -> None:
    base = {"سرت": "B-LOC", "طرابلس": "I-LOC"}
    assert entities("بلدية سرت طرابلس", base) == [("ORG", "بلدية سرت طرابلس")]
    assert entities("هيئة الموانئ بنغازي", {"الموانئ": "B-LOC", "بنغازي": "I-LOC"}) == [("ORG", "هيئة الموانئ بنغازي")]


def test_the_wrapper_names_itself_after_the_base_tagger() -> None:
    tagger = InstitutionTagger(FixedTagger({}), PLACES)
    assert (tagger.name, tagger.version) == ("fixed+institutions", "test")


def test_sentences_tagged_in_one_batch_get_the_tags_of_one_at_a_time() -> None:
    sentences = [sentence.split() for sentence in ("بيان لوزارة الداخلية أمس", "", "قال خالد إن مديرية أمن سرت")]
    wrapper = InstitutionTagger(FixedTagger({"خالد": "B-PER", "سرت": "B-LOC"}), PLACES)
    assert wrapper.tag_sentences(sentences) == [wrapper.tag(sentence) for sentence in sentences]


def test_places_come_from_the_given_gazetteer_with_or_without_a_proclitic() -> None:
    assert entities("اجتماع مديرية أمن بنغازي") == [("ORG", "مديرية أمن بنغازي")]
    assert entities("اجتماع مديرية أمن وبنغازي") == [("ORG", "مديرية أمن وبنغازي")]
    nowhere = Resources(clusters={}, word_counts={}, gazetteer={}, longest_entry=0)
    assert entities("اجتماع مديرية أمن بنغازي", resources=nowhere) == []


@pytest.fixture(scope="module")
def shipped_resources() -> Resources:
    """The shipped resources, whose gazetteer the production pipeline gives the layer."""
    return load_resources()


def test_with_the_shipped_gazetteer_a_known_city_completes_the_name(shipped_resources: Resources) -> None:
    assert entities("اجتماع مديرية أمن طرابلس اليوم", resources=shipped_resources) == [("ORG", "مديرية أمن طرابلس")]
