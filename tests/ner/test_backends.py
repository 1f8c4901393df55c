"""Tagger selection: CRF by default, camel-bert only with a model directory that holds a model, and the
extra to install named when a chosen backend's packages are missing."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from lab.untrained_bert import build_untrained_model
from workers.errors import ConfigurationError, MissingDependencyError
from workers.ner.backends import RuleLayers, load_tagger, with_rule_layers
from workers.ner.bert import CamelBertTagger
from workers.ner.crf import CrfTagger
from workers.ner.resources import Resources

needs_neural = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="the neural tagger needs torch: pip install 'khabar[neural]'"
)
needs_bert = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None,
    reason="the camel-bert backend needs torch and transformers: pip install 'khabar[bert]'",
)


def hide_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import torch` fail as if torch were not installed, and forget the neural tagger's module."""
    for name in [name for name in sys.modules if name.partition(".")[0] == "torch"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "workers.ner.neural", raising=False)


def test_crf_is_the_shipped_model_without_a_path() -> None:
    assert isinstance(load_tagger("crf", None), CrfTagger)


@needs_neural
def test_neural_is_the_shipped_bilstm_crf_without_a_path() -> None:
    from workers.ner.neural import NeuralTagger

    tagger = load_tagger("neural", None)
    assert isinstance(tagger, NeuralTagger)
    assert len(tagger.tag(["قال", "محمد", "في", "بغداد"])) == 4


def test_neural_without_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_torch(monkeypatch)

    with pytest.raises(MissingDependencyError, match=r"KHABAR_TAGGER=neural .*torch") as raised:
        load_tagger("neural", None)

    assert str(raised.value).endswith("pip install 'khabar[neural]'")


def test_camel_bert_without_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").touch()
    hide_torch(monkeypatch)

    with pytest.raises(MissingDependencyError, match=r"KHABAR_TAGGER=camel-bert .*torch") as raised:
        load_tagger("camel-bert", tmp_path)

    assert str(raised.value).endswith("pip install 'khabar[bert]'")


@needs_bert
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


class Silent:
    name, version = "silent", "7"

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return ["O"] * len(tokens)


def test_the_rule_layers_wrap_the_model_persons_and_places_first_then_institutions() -> None:
    places = Resources(clusters={}, word_counts={}, gazetteer={"سرت": frozenset({"LOC"})}, longest_entry=1)
    tagger = with_rule_layers(Silent(), places)
    assert (tagger.name, tagger.version) == ("silent+titles+places+institutions", "7")
    # The institution's name holds the place the place layer found, and stops at the rank's person.
    tokens = ["مديرية", "أمن", "سرت", "العقيد", "ميمي", "الطرشناني"]
    assert tagger.tag(tokens) == ["B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER"]
    assert with_rule_layers(Silent(), places, RuleLayers(titles=False, places=False)).name == "silent+institutions"
