"""camel-tools BERT backend: loads offline from a directory, one valid Khabar tag per token."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BERT_EXTRA = "the camel-bert backend needs torch and transformers: pip install 'khabar[bert]'"
pytest.importorskip("torch", reason=BERT_EXTRA)
pytest.importorskip("transformers", reason=BERT_EXTRA)

from lab.corpora import map_standard_tag
from lab.untrained_bert import CAMEL_LABELS, build_untrained_model
from workers.ner import ENTITY_TYPES
from workers.ner.bert import CamelBertTagger

KHABAR_TAGS = {"O"} | {f"{prefix}-{kind}" for prefix in "BI" for kind in ENTITY_TYPES}


WORDS = ["قال", "محمد", "في", "بيروت"]


@pytest.fixture(scope="module", autouse=True)
def hub_offline() -> Iterator[None]:
    """Any attempt of transformers to reach the Hugging Face Hub fails in these tests."""
    import huggingface_hub.constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # read once, at import
        yield


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_untrained_model(tmp_path_factory.mktemp("camel-bert") / "tiny", "tiny", WORDS)


@pytest.fixture(scope="module")
def tagger(tiny_model_dir: Path) -> CamelBertTagger:
    return CamelBertTagger.load(tiny_model_dir)


def test_every_camel_label_has_a_khabar_tag() -> None:
    assert {map_standard_tag(label) for label in CAMEL_LABELS} == KHABAR_TAGS


def always_predicting(model_dir: Path, label: str, target: Path) -> Path:
    """A copy of the untrained `model_dir` whose classifier outputs `label` whatever the input."""
    import torch
    from transformers import BertForTokenClassification, BertTokenizer

    model = BertForTokenClassification.from_pretrained(model_dir)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-10.0)
        model.classifier.bias[CAMEL_LABELS.index(label)] = 10.0
    model.save_pretrained(target)
    BertTokenizer.from_pretrained(model_dir).save_pretrained(target)
    return target


@pytest.mark.parametrize(
    ("camel_label", "khabar_tag"),
    [
        ("B-PERS", "B-PER"),
        ("I-PERS", "I-PER"),
        ("B-LOC", "B-LOC"),
        ("I-ORG", "I-ORG"),
        ("B-MISC", "B-MISC"),
        ("O", "O"),
    ],
)
def test_camel_labels_come_out_as_khabar_tags(
    tiny_model_dir: Path, tmp_path: Path, camel_label: str, khabar_tag: str
) -> None:
    tagger = CamelBertTagger.load(always_predicting(tiny_model_dir, camel_label, tmp_path / "biased"))

    assert tagger.tag(["قال", "محمد", "\u200f"]) == [khabar_tag, khabar_tag, "O"]


@pytest.mark.parametrize(
    "tokens",
    [
        ["قال", "محمد", "في", "بيروت", "."],
        ["كَتَبَ", "الوَلَدُ", "Reuters", "2024", "«", "😀"],
        ["ب" * 400, "x" * 300],
        ["كلمة"] * 300,  # more word pieces than one 256-piece segment
        ["في", "\u200f", "بيروت", "\u200c"],  # marks the WordPiece tokenizer drops
        ["\u200f"],
        [],
    ],
    ids=[
        "plain",
        "diacritics-latin-emoji",
        "long-tokens",
        "long-sentence",
        "invisible-marks",
        "only-invisible",
        "empty",
    ],
)
def test_one_khabar_tag_per_token(tagger: CamelBertTagger, tokens: list[str]) -> None:
    tags = tagger.tag(tokens)

    assert len(tags) == len(tokens)
    assert set(tags) <= KHABAR_TAGS


def test_model_with_labels_outside_camel_set_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(tiny_model_dir, tmp_path, dirs_exist_ok=True)
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    config["id2label"]["0"] = "B-DATE"
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")

    with pytest.raises(ValueError, match="B-DATE"):
        CamelBertTagger.load(tmp_path)


def test_tagger_names_itself_and_its_weights(tagger: CamelBertTagger, tiny_model_dir: Path) -> None:
    assert tagger.name == "camel-bert"
    assert tagger.version.startswith(f"{tiny_model_dir.name}-")


def test_same_seed_builds_the_same_model(tmp_path: Path, tagger: CamelBertTagger) -> None:
    rebuilt = CamelBertTagger.load(build_untrained_model(tmp_path / "tiny", "tiny", WORDS))

    assert rebuilt.version == tagger.version


def test_camel_tools_imports_offline_without_an_installed_catalogue(tmp_path: Path) -> None:
    """camel_tools.data downloads its catalogue at import time unless one is installed (no network here)."""
    environment = {**os.environ, "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    environment.pop("CAMELTOOLS_DATA", None)
    script = (
        "import os; from workers.ner.bert import _ner_recognizer_class; "
        "print(_ner_recognizer_class().__name__, os.environ.get('CAMELTOOLS_DATA'))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=300, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["NERecognizer", "None"]
    assert not (tmp_path / ".camel_tools" / "catalogue.json").exists()


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        CamelBertTagger.load(tmp_path / "absent")


def test_directory_without_weights_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="camel_data -i ner-arabert"):
        CamelBertTagger.load(tmp_path)
