"""The CRF entity tagger: a python-crfsuite model over the features of `features.py`.

The model directory holds the CRFsuite model, its sha256 checksum (checked at every load, so a
truncated or swapped file fails loudly at start-up rather than tagging nonsense) and a small JSON
file with the training metadata, including which feature set the model expects.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pycrfsuite

from workers.nlp.entities.features import FeatureExtractor, make_extractor
from workers.nlp.entities.integrity import ModelIntegrityError, verify_checksum

__all__ = ["METADATA_FILE", "MODEL_FILE", "CrfTagger", "ModelIntegrityError", "read_metadata"]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
MODEL_FILE = "model.crfsuite"
METADATA_FILE = "model.json"


class CrfTagger:
    """Tags a token sequence with BIO tags over PER, LOC, ORG, MISC.

    Not thread-safe (CRFsuite's tagger keeps per-call state): use one instance per thread.
    """

    name = "crf"

    def __init__(self, crf: pycrfsuite.Tagger, extractor: FeatureExtractor, version: str) -> None:
        self._crf = crf
        self._extractor = extractor
        self.version = version

    @classmethod
    def load(cls, path: Path | None = None) -> CrfTagger:
        """Load the model in directory `path`; without a path, the shipped model (loaded once)."""
        if path is None:
            return _load_default()
        digest = verify_checksum(path / MODEL_FILE)
        metadata = read_metadata(path)
        crf = pycrfsuite.Tagger()
        crf.open(str(path / MODEL_FILE))
        extractor = make_extractor(metadata.get("features", {}))
        logger.info("loaded CRF model %s (sha256 %s)", path, digest[:12])
        return cls(crf, extractor, f"crf-{digest[:12]}")

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """One BIO tag per token."""
        if not tokens:
            return []
        tags: list[str] = self._crf.tag(self._extractor.sentence_features(tokens))
        return tags


def read_metadata(model_dir: Path) -> dict[str, Any]:
    """The training metadata stored with a model (empty when absent)."""
    metadata_path = model_dir / METADATA_FILE
    if not metadata_path.is_file():
        return {}
    metadata: dict[str, Any] = json.loads(metadata_path.read_text(encoding="utf-8"))
    return metadata


@cache
def _load_default() -> CrfTagger:
    return CrfTagger.load(DEFAULT_MODEL_DIR)
