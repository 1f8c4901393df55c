"""Randomly initialised BERT token classifiers laid out like camel-tools' released NER model, so that
the camel-bert backend can be loaded and timed offline (tests: tiny; benchmarks: bert-base size)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Literal

CAMEL_LABELS = ("B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O")
"""camel-tools' NER labels, in the order of `NERecognizer.labels()`; ANERcorp's tag set."""

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
