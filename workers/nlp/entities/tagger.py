"""The CRF entity tagger: a python-crfsuite model over the features of `features.py`.

The model directory holds the CRFsuite model, its sha256 checksum (checked at every load, so a
truncated or swapped file fails loudly at start-up rather than tagging nonsense) and a small JSON
file with the training metadata, including which feature set the model expects.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pycrfsuite

from workers.nlp.entities.features import FeatureExtractor, make_extractor

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
MODEL_FILE = "model.crfsuite"
CHECKSUM_FILE = "model.crfsuite.sha256"
METADATA_FILE = "model.json"


class ModelIntegrityError(RuntimeError):
    """The model file is missing or does not match its recorded checksum."""


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_checksum(model_dir: Path) -> str:
    """Record the model's sha256 next to it, in `sha256sum` format; return the digest."""
    digest = file_sha256(model_dir / MODEL_FILE)
    (model_dir / CHECKSUM_FILE).write_text(f"{digest}  {MODEL_FILE}\n", encoding="utf-8")
    return digest


def verify_checksum(model_dir: Path) -> str:
    """Check the model file against its recorded sha256; return the digest or raise."""
    model_path, checksum_path = model_dir / MODEL_FILE, model_dir / CHECKSUM_FILE
    if not model_path.is_file() or not checksum_path.is_file():
        raise ModelIntegrityError(f"CRF model or its checksum is missing in {model_dir}")
    expected = checksum_path.read_text(encoding="utf-8").split()[0]
    actual = file_sha256(model_path)
    if actual != expected:
        raise ModelIntegrityError(
            f"CRF model {model_path} has sha256 {actual}, but {checksum_path.name} records {expected}; "
            "the file is damaged or was replaced without retraining"
        )
    return actual


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
        digest = verify_checksum(path)
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
