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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from workers.ner import map_standard_tag
from workers.text.mapped import file_sha256

logger = logging.getLogger(__name__)

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_CATALOGUE_NAME = "catalogue.json"


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
