"""The shipped CRF model: expected entities on news sentences, robustness, checksum verification, and
tags, scores and tie-breaking exactly those of CRFsuite (python-crfsuite is the reference)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pycrfsuite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workers.errors import ModelFormatError, ModelIntegrityError
from workers.ner.crf import (
    DEFAULT_MODEL_DIR,
    MODEL_FILE,
    CrfModel,
    CrfTagger,
    _viterbi,
)
from workers.ner.features import FeatureExtractor, make_extractor
from workers.ner.models import checksum_path, read_metadata, write_checksum
from workers.ner.spans import bio_spans
from workers.text.tokenize import tokenize


@pytest.fixture(scope="module")
def tagger() -> CrfTagger:
    return CrfTagger.load()


def entities(tagger: CrfTagger, text: str) -> list[tuple[str, str]]:
    tokens = [token.text for token in tokenize(text)]
    return [(span.type, " ".join(tokens[span.start : span.end])) for span in bio_spans(tagger.tag(tokens))]


def test_identity(tagger: CrfTagger) -> None:
    assert tagger.name == "crf"
    assert tagger.version.startswith("crf-")
    assert CrfTagger.load() is tagger


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # From the seed article: the rank is not part of the person.
        ("وقال مدير إدارة التوجيه المعنوي العميد خالد المحجوب إن التعليمات واضحة", ("PER", "خالد المحجوب")),
        ("وقال الرئيس الأمريكي جورج بوش إن القوات ستبقى", ("PER", "جورج بوش")),
        ("وصل الوفد إلى بغداد أمس", ("LOC", "بغداد")),
        ("تفعيل غرفة العمليات الأمنية المشتركة في سرت", ("LOC", "سرت")),
        ("نقل مدير مكتب الإعلام الأمني الرائد طارق الخراز، تحيات الوزير", ("PER", "طارق الخراز")),
        # ANERcorp's ORG is a named body (UN, parties, companies, media); «وزارة ...» is tagged O there.
        ("وأصدر مجلس الأمن الدولي قرارا جديدا بشأن السودان", ("ORG", "مجلس الأمن الدولي")),
        ("ونقلت وكالة رويترز عن مسؤول في الأمم المتحدة قوله", ("ORG", "الأمم المتحدة")),
        ("وقالت شركة مايكروسوفت في بيان إن المبيعات ارتفعت", ("ORG", "مايكروسوفت")),
    ],
)
def test_entities_in_news_sentences(tagger: CrfTagger, text: str, expected: tuple[str, str]) -> None:
    assert expected in entities(tagger, text)


@pytest.mark.parametrize(
    "tokens",
    [
        [],
        ["مَرْحَبًا", "بِكُمْ"],
        ["الـــــعراق"],
        ["Reuters", "2024", "😀", "؟"],
        ["ب" * 5000, "x" * 5000],
        ["a:b", "\\", "\x00", " ", ""],
    ],
)
def test_any_tokens_get_one_valid_tag_each(tagger: CrfTagger, tokens: list[str]) -> None:
    tags = tagger.tag(tokens)
    assert len(tags) == len(tokens)
    assert all(tag == "O" or tag[:2] in ("B-", "I-") for tag in tags)


def test_damaged_model_is_refused(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_MODEL_DIR, tmp_path / "model")
    with (tmp_path / "model" / MODEL_FILE).open("ab") as model:
        model.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        CrfTagger.load(tmp_path / "model")


def test_missing_checksum_is_refused(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"not a model")
    with pytest.raises(ModelIntegrityError, match="missing"):
        CrfTagger.load(tmp_path)
    assert not checksum_path(tmp_path / MODEL_FILE).exists()


@pytest.fixture(scope="module")
def crfsuite() -> pycrfsuite.Tagger:
    """The reference: python-crfsuite's own tagger on the shipped model."""
    reference = pycrfsuite.Tagger()
    reference.open(str(DEFAULT_MODEL_DIR / MODEL_FILE))
    return reference


@pytest.fixture(scope="module")
def extractor() -> FeatureExtractor:
    return make_extractor(read_metadata(DEFAULT_MODEL_DIR).get("features", {}))


def test_the_model_file_reads_as_crfsuite_dumps_it(crfsuite: pycrfsuite.Tagger) -> None:
    model = CrfModel.read(DEFAULT_MODEL_DIR / MODEL_FILE)
    dump = crfsuite.info()
    assert {label: str(index) for index, label in enumerate(model.labels)} == dump.labels
    assert {name: str(index) for name, index in model.attribute_ids.items()} == dump.attributes
    label = {name: index for index, name in enumerate(model.labels)}
    read = {
        (name, model.labels[target]): weight
        for name, index in model.attribute_ids.items()
        for target, weight in enumerate(model.state_weights[index])
        if weight
    }
    assert read.keys() == dump.state_features.keys()
    assert all(abs(weight - dump.state_features[key]) < 1e-6 for key, weight in read.items())  # the dump rounds
    for (source, target), weight in dump.transitions.items():
        assert abs(model.transition_weights[label[source], label[target]] - weight) < 1e-6
    assert not model.state_weights[model.no_attribute].any()


def _known_pieces() -> tuple[list[list[str]], list[list[str]]]:
    """Words and word pairs the shipped model has features for, so that entities, bigram features
    and near-ties between labels come up."""
    names = CrfModel.read(DEFAULT_MODEL_DIR / MODEL_FILE).attribute_ids
    words = sorted([name[2:]] for name in names if name.startswith("w="))[::7]
    pairs = sorted(name[5:].split("|") for name in names if name.startswith(("bi-1=", "bi+1=")))[::5]
    return words, pairs


KNOWN_WORDS, KNOWN_PAIRS = _known_pieces()
arabic_words = st.text(st.characters(min_codepoint=0x621, max_codepoint=0x652), min_size=1, max_size=8).map(
    lambda word: [word]
)
sentence_pieces = st.one_of(
    st.sampled_from(KNOWN_WORDS), st.sampled_from(KNOWN_PAIRS), arabic_words, st.sampled_from([["."], ["«"], ["2024"]])
)
sentences_of_known_words = st.lists(
    st.lists(sentence_pieces, max_size=20).map(lambda pieces: [word for piece in pieces for word in piece]),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(sentences_of_known_words)
def test_tags_are_those_of_crfsuite(
    tagger: CrfTagger, crfsuite: pycrfsuite.Tagger, extractor: FeatureExtractor, sentences: list[list[str]]
) -> None:
    expected = [crfsuite.tag(extractor.sentence_features(sentence)) if sentence else [] for sentence in sentences]
    assert tagger.tag_sentences(sentences) == expected
    assert [tagger.tag(sentence) for sentence in sentences] == expected


@settings(max_examples=100, deadline=None)
@given(sentences_of_known_words)
def test_scores_add_the_known_features_one_by_one_in_their_order(
    tagger: CrfTagger, extractor: FeatureExtractor, sentences: list[list[str]]
) -> None:
    """Bit for bit CRFsuite's sums: from zero, each known feature's weights in the listed order."""
    model = CrfModel.read(DEFAULT_MODEL_DIR / MODEL_FILE)
    expected = []
    for sentence in sentences:
        for features in extractor.sentence_features(sentence):
            score = np.zeros(len(model.labels))
            for feature in features:
                if feature in model.attribute_ids:
                    score = score + model.state_weights[model.attribute_ids[feature]]
            expected.append(score)
    scores = tagger.state_scores(sentences)
    assert np.array_equal(scores, np.array(expected).reshape(scores.shape))


def crfsuite_viterbi(scores: list[list[float]], transition: list[list[float]]) -> list[int]:
    """CRFsuite's Viterbi loop written out in Python: strict `<`, so ties go to the lowest label."""
    labels = len(transition)
    best = [list(scores[0])]
    back: list[list[int]] = [[0] * labels]
    for step in range(1, len(scores)):
        row, links = [], []
        for label in range(labels):
            top, argmax = -math.inf, -1
            for previous in range(labels):
                candidate = best[-1][previous] + transition[previous][label]
                if top < candidate:
                    top, argmax = candidate, previous
            row.append(top + scores[step][label])
            links.append(argmax)
        best.append(row)
        back.append(links)
    path = [max(range(labels), key=lambda label: (best[-1][label], -label))]
    for step in range(len(scores) - 1, 0, -1):
        path.append(back[step][path[-1]])
    return path[::-1]


# Small whole numbers make ties between paths common.
tie_prone = st.integers(min_value=-2, max_value=2).map(float)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.lists(tie_prone, min_size=3, max_size=3), min_size=1, max_size=6), min_size=1, max_size=4),
    st.lists(st.lists(tie_prone, min_size=3, max_size=3), min_size=3, max_size=3),
)
def test_viterbi_breaks_ties_as_crfsuite_does(
    sentences: list[list[list[float]]], transition: list[list[float]]
) -> None:
    lengths = np.array([len(sentence) for sentence in sentences], dtype=np.intp)
    scores = np.array([row for sentence in sentences for row in sentence])
    expected = [label for sentence in sentences for label in crfsuite_viterbi(sentence, transition)]
    assert _viterbi(scores, lengths, np.array(transition)).tolist() == expected


def test_empty_sentences_in_a_batch_get_no_tags(tagger: CrfTagger) -> None:
    tags = tagger.tag_sentences([[], ["وصل", "الوفد", "إلى", "بغداد"], []])
    assert tags[0] == tags[2] == []
    assert tags[1] == tagger.tag(["وصل", "الوفد", "إلى", "بغداد"])
    assert tagger.tag_sentences([[], []]) == [[], []]


def test_a_full_word_table_forgets_the_least_recent_words_and_scores_the_same() -> None:
    pairs = [word for pair in KNOWN_PAIRS[:40] for word in pair]
    sentences = [pairs[start : start + 8] for start in range(0, len(pairs), 8)] + [["وصل", "الرئيس", "إلى", "بغداد"]]
    expected = [CrfTagger.load().state_scores([sentence]) for sentence in sentences]
    small = CrfTagger.load(DEFAULT_MODEL_DIR, word_limit=12)  # a tagger of its own, not the shared default
    for sentence, scores in zip(sentences[::-1] + sentences, expected[::-1] + expected, strict=True):
        assert np.array_equal(small.state_scores([sentence]), scores)
        assert small.words_held <= 12


def test_the_words_of_a_batch_larger_than_the_limit_are_all_held_for_it() -> None:
    words = [word for pair in KNOWN_PAIRS[:20] for word in pair]
    small = CrfTagger.load(DEFAULT_MODEL_DIR, word_limit=4)
    assert small.tag_sentences([words]) == CrfTagger.load().tag_sentences([words])
    assert small.words_held == len(set(words))


def test_a_file_that_is_not_a_crfsuite_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"lCRF" + bytes(60))
    write_checksum(tmp_path / MODEL_FILE)
    with pytest.raises(ModelFormatError, match="not a CRFsuite"):
        CrfTagger.load(tmp_path)
