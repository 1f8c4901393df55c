"""Tagger selection: CRF by default, camel-bert only with a model directory that holds a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.errors import ConfigurationError
from workers.nlp.entities.backends import load_tagger
from workers.nlp.entities.bert import CamelBertTagger, build_untrained_model
from workers.nlp.entities.tagger import CrfTagger


def test_crf_is_the_shipped_model_without_a_path() -> None:
    assert isinstance(load_tagger("crf", None), CrfTagger)


def test_neural_is_the_shipped_bilstm_crf_without_a_path() -> None:
    from workers.nlp.entities.neural import NeuralTagger

    tagger = load_tagger("neural", None)
    assert isinstance(tagger, NeuralTagger)
    assert len(tagger.tag(["قال", "محمد", "في", "بغداد"])) == 4


def test_camel_bert_loads_the_given_model(tmp_path: Path) -> None:
    model_dir = build_untrained_model(tmp_path / "tiny", "tiny")

    tagger = load_tagger("camel-bert", model_dir)

    assert isinstance(tagger, CamelBertTagger)
    assert len(tagger.tag(["قال", "محمد"])) == 2


def test_camel_bert_without_a_path_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="KHABAR_TAGGER_MODEL"):
        load_tagger("camel-bert", None)


@pytest.mark.parametrize("model_dir", ["absent", "."], ids=["missing-directory", "directory-without-model"])
def test_camel_bert_without_a_model_names_the_setting(tmp_path: Path, model_dir: str) -> None:
    with pytest.raises(ConfigurationError, match=r"KHABAR_TAGGER_MODEL.*(does not exist|holds no BERT model)"):
        load_tagger("camel-bert", tmp_path / model_dir)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="spacy"):
        load_tagger("spacy", None)
