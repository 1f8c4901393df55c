"""CRF features: what a word contributes on its own and to its neighbours."""

from __future__ import annotations

import logging

import pytest

from workers.ner.features import (
    BOS,
    EOS,
    WINDOW,
    Bigram,
    FeatureExtractor,
    Lent,
    affix_features,
    feature_config,
    frequency_bucket,
    length_bucket,
    make_extractor,
    template,
    word_shape,
)


@pytest.mark.parametrize(
    ("token", "shape"),
    [
        ("بغداد", "arabic"),
        ("2024", "num"),
        ("٢٠٢٤", "num"),
        ("3,5", "num"),
        ("Reuters", "latin-cap"),
        ("iphone", "latin"),
        ("آيفونX", "mixed"),
        ("ف16", "hasdigit"),
        ("«", "punct"),
        ("😀", "punct"),
    ],
)
def test_word_shape(token: str, shape: str) -> None:
    assert word_shape(token) == shape


def test_buckets() -> None:
    assert [length_bucket(n) for n in (1, 3, 5, 8, 20)] == ["1", "3", "4-5", "6-8", "9+"]
    assert [frequency_bucket(n) for n in (0, 1, 4, 1000, 10**9)] == ["0", "0", "1", "5", "9"]


def test_word_features_see_through_proclitics_and_the_article() -> None:
    features = FeatureExtractor().word_features("والعراق")
    assert {"w=والعراق", "stem=عراق", "pre=و+al"} <= set(features)


def test_neighbours_lend_their_words_and_bigrams_are_formed() -> None:
    sequence = FeatureExtractor().sentence_features(["قال", "العميد", "خالد", "المحجوب", "أمس"])
    at_name = set(sequence[2])
    assert {"w=خالد", "-1:w=العميد", "-2:w=قال", "+1:w=المحجوب", "+2:w=امس"} <= at_name
    assert "bi-1=العميد|خالد" in at_name
    assert "BOS" in sequence[0] and "EOS" in sequence[4]
    assert not any(feature.startswith("-1:") for feature in sequence[0])


def test_affix_templates_take_first_and_last_letters_of_word_and_stem() -> None:
    assert affix_features("الوزاره", "وزاره") == [
        "p2=ال", "p3=الو", "s1=ه", "s2=ره", "s3=اره", "stem.s2=ره", "stem.p2=وز",
    ]  # fmt: skip
    renamed = affix_features("الوزاره", "وزاره", ("a", "b", "c", "d", "e", "f", "g"))
    assert renamed[-2:] == ["f=ره", "g=وز"]


def test_neighbours_lend_the_templates_named_in_the_window() -> None:
    entry = FeatureExtractor().word_entry("والعراق")

    def lent(offset: int) -> list[str]:
        prefix = f"{offset:+d}:"
        assert all(feature.startswith(prefix) for feature in entry.lent[offset])
        return [feature[len(prefix) :] for feature in entry.lent[offset]]

    assert [template(feature) for feature in lent(-1)] == ["w", "stem", "shape", "s2", "stem.s2", "stem.p2"]
    assert lent(1) == lent(-1)
    assert lent(-2) == lent(2) == ["w=والعراق", "stem=عراق", "shape=arabic"]
    assert "pre=و+al" in entry.own  # the shipped model was trained without lending it


def test_a_model_may_have_its_words_lend_their_proclitics_to_the_next_and_previous_word() -> None:
    entry = make_extractor(feature_config(False, lend_proclitics=True)).word_entry("والعراق")
    assert "-1:pre=و+al" in entry.lent[-1] and "+1:pre=و+al" in entry.lent[1]
    assert not any("pre=" in feature for feature in entry.lent[-2] + entry.lent[2])
    assert "lend_proclitics" not in feature_config(False)  # the shipped model's config is unchanged


def test_a_position_lists_own_features_then_the_window_in_its_order() -> None:
    extractor = FeatureExtractor()
    words = ["قال", "العميد", "خالد", "المحجوب", "امس"]
    entries = [extractor.word_entry(word) for word in words]
    expected = ["bias", *entries[2].own]
    for part in WINDOW:
        if isinstance(part, Lent):
            expected += entries[2 + part.offset].lent[part.offset]
        else:
            assert isinstance(part, Bigram)
            expected.append({-1: "bi-1=العميد|خالد", 1: "bi+1=خالد|المحجوب"}[part.offset])
    assert extractor.sentence_features(words)[2] == expected
    assert [part.offset for part in WINDOW] == [-2, -1, -1, 1, 1, 2]
    alone = extractor.sentence_features(["خالد"])[0]
    assert alone == ["bias", *entries[2].own, BOS, EOS]


def test_the_same_token_always_gets_the_same_features() -> None:
    extractor = FeatureExtractor()
    first = extractor.sentence_features(["في", "بغداد"])
    assert extractor.sentence_features(["في", "بغداد"]) == first
    assert FeatureExtractor().sentence_features(["في", "بغداد"]) == first


def test_normalization_and_length_limit_apply_before_features() -> None:
    extractor = FeatureExtractor()
    assert extractor.sentence_features(["الــعِراق"])[0] == extractor.sentence_features(["العراق"])[0]
    assert all(len(feature) < 80 for feature in extractor.sentence_features(["ب" * 5000])[0])


def test_model_trained_on_other_resources_loads_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    config = {**feature_config(True), "resources_sha256": "0" * 64}
    with caplog.at_level(logging.WARNING):
        extractor = make_extractor(config)
    assert "retrain" in caplog.text
    assert any(feature.startswith("c=") for feature in extractor.sentence_features(["بغداد"])[0])


def test_features_without_resources_need_no_resource_files() -> None:
    assert feature_config(False) == {"resources": False}
    assert not any(feature.startswith("c=") for feature in make_extractor({}).sentence_features(["بغداد"])[0])
