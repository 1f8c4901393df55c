"""Optional tagger backend: a camel-tools BERT token-classification model (e.g. `ner-arabert`).

The model is read from a local directory through camel-tools' own `NERecognizer`, so Khabar tags
exactly as camel-tools does (WordPiece, 256-piece padded segments, first-piece labels). Nothing is
downloaded: the directory must be installed beforehand (`camel_data -i ner-arabert` on a machine with
internet, or baked into the image). torch and transformers are imported in `load()` only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from workers.nlp.entities.conll import map_standard_tag
from workers.nlp.entities.integrity import file_sha256

logger = logging.getLogger(__name__)

CAMEL_LABELS = ("B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O")
"""camel-tools' NER labels, in the order of `NERecognizer.labels()`; ANERcorp's tag set."""

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_CATALOGUE_NAME = "catalogue.json"

_SPECIAL_PIECES = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
_ARABIC_CHARACTERS = "".join(chr(code) for code in range(0x0621, 0x0653)) + "".join(
    chr(code) for code in range(0x0660, 0x066A)
)
_LATIN_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PUNCTUATION = ".,;:!?'\"()[]{}-_/\\%&*+=<>@#$«»،؛؟"
_VOCAB_SIZE = {"tiny": 2_000, "base": 30_000}


@dataclass(frozen=True, slots=True)
class _Architecture:
    hidden_size: int
    layers: int
    attention_heads: int
    intermediate_size: int


_ARCHITECTURE = {"tiny": _Architecture(32, 2, 2, 64), "base": _Architecture(768, 12, 12, 3072)}


def _weights_file(model_dir: Path) -> Path:
    """The weights of a saved BERT model, or a clear error naming what is missing."""
    if not model_dir.is_dir():
        raise FileNotFoundError(f"camel-bert model directory {model_dir} does not exist")
    for name in _WEIGHT_FILES:
        if (model_dir / name).is_file():
            return model_dir / name
    raise FileNotFoundError(
        f"{model_dir} holds no BERT model (none of {', '.join(_WEIGHT_FILES)}); install one with "
        "`camel_data -i ner-arabert` and point the tagger at its directory"
    )


@contextlib.contextmanager
def _environment_variable(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


def _camel_data_dir() -> Path:
    """Where camel_tools.data looks for its catalogue (its own rule, for Linux and macOS)."""
    configured = os.environ.get("CAMELTOOLS_DATA")
    return Path(configured).expanduser() if configured else Path.home() / ".camel_tools"


def _ner_recognizer_class() -> Any:
    """Import `camel_tools.ner.NERecognizer` without a network access.

    `camel_tools.ner` imports `camel_tools.data`, which downloads a catalogue at import time when the
    data directory has none (and fails offline). NERecognizer does not need the catalogue to load a model
    from a path, so when none is installed we let the import read an empty one from a temporary directory.
    """
    import camel_tools

    if not (_camel_data_dir() / _CATALOGUE_NAME).is_file():
        with tempfile.TemporaryDirectory(prefix="khabar-camel-data-") as empty_data_dir:
            catalogue = {"version": camel_tools.__version__, "packages": {}, "components": {}}
            (Path(empty_data_dir) / _CATALOGUE_NAME).write_text(json.dumps(catalogue), encoding="utf-8")
            with _environment_variable("CAMELTOOLS_DATA", empty_data_dir):
                from camel_tools.ner import NERecognizer
        return NERecognizer
    from camel_tools.ner import NERecognizer

    return NERecognizer


class CamelBertTagger:
    """Entity tagger backed by camel-tools' NERecognizer; one sentence per `tag` call."""

    def __init__(self, recognizer: Any, version: str) -> None:
        self.name = "camel-bert"
        self.version = version
        self._recognizer = recognizer
        self._tag_of_label = {label: map_standard_tag(label) for label in recognizer.labels_map.values()}

    @classmethod
    def load(cls, model_path: Path | str, *, num_threads: int = 1) -> CamelBertTagger:
        """Load the model in `model_path`; `num_threads` sets torch's (process-wide) intra-op threads."""
        model_dir = Path(model_path)
        weights = _weights_file(model_dir)
        import torch  # after the model check, so that a wrong directory is reported without the bert extra

        torch.set_num_threads(num_threads)
        recognizer = _ner_recognizer_class()(str(model_dir), use_gpu=False)
        tagger = cls(recognizer, version=f"{model_dir.name}-{file_sha256(weights)[:12]}")
        logger.info("loaded camel-bert tagger %s from %s (%d torch threads)", tagger.version, model_dir, num_threads)
        return tagger

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """Tag one sentence; tokens the WordPiece tokenizer drops (invisible marks) are tagged `O`.

        camel-tools silently skips such words and returns fewer labels than words, so only the
        others are sent and the labels are put back in place.
        """
        kept = [index for index, token in enumerate(tokens) if self._recognizer.tokenizer.tokenize(token)]
        tags = ["O"] * len(tokens)
        if not kept:
            return tags
        labels = self._recognizer.predict_sentence([tokens[index] for index in kept])
        for index, label in zip(kept, labels, strict=True):
            tags[index] = self._tag_of_label[label]
        return tags


def _vocabulary(size: Literal["tiny", "base"], words: Iterable[str]) -> list[str]:
    """WordPiece vocabulary: special pieces, single characters (initial and `##`), then frequent words."""
    characters = _ARABIC_CHARACTERS + _LATIN_CHARACTERS + _PUNCTUATION
    pieces = list(_SPECIAL_PIECES) + list(characters) + [f"##{character}" for character in characters]
    known = set(pieces)
    frequent = (word for word, _ in Counter(words).most_common() if word not in known and not word.isspace())
    return pieces + list(islice(frequent, max(0, _VOCAB_SIZE[size] - len(pieces))))


def build_untrained_model(
    directory: Path, size: Literal["tiny", "base"], words: Iterable[str] = (), seed: int = 0
) -> Path:
    """Save a randomly initialised BERT token classifier with camel-tools' labels into `directory`.

    It runs at the speed of a trained model of the same size (tiny: 32 hidden, 2 layers, for tests;
    base: bert-base, for benchmarks) and is laid out like camel-tools' released model (weights, config,
    `vocab.txt`), so NERecognizer loads it offline. `words` (e.g. a corpus's tokens) fill the vocabulary
    with its most frequent words, so that words split into few pieces as with a real vocabulary.
    """
    import torch
    from transformers import BertConfig, BertForTokenClassification

    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = _vocabulary(size, words)
    (directory / "vocab.txt").write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "BertTokenizer", "do_lower_case": False}), encoding="utf-8"
    )
    architecture = _ARCHITECTURE[size]
    config = BertConfig(
        vocab_size=len(vocabulary),
        id2label=dict(enumerate(CAMEL_LABELS)),
        label2id={label: index for index, label in enumerate(CAMEL_LABELS)},
        hidden_size=architecture.hidden_size,
        num_hidden_layers=architecture.layers,
        num_attention_heads=architecture.attention_heads,
        intermediate_size=architecture.intermediate_size,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = BertForTokenClassification(config)
    model.save_pretrained(directory)
    return directory
