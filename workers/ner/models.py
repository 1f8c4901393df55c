"""Model directories: every tagger's model file is verified and its metadata checked the same way.

A model file `model.x` has its digest in `model.x.sha256`, in `sha256sum` format, so a damaged or
swapped file is refused instead of quietly tagging with other weights. Next to it, `model.json`
holds the training metadata, including the version of the text normalizer the model was trained
with (`"normalizer"`): its features are normalized words, so a model is refused when the running
normalizer is another one. The resources' manifest records the same (`resources.read_resources`).
The metadata file is not checksummed: the model's version is its file's digest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.errors import ModelIntegrityError, NormalizerMismatchError
from workers.text.mapped import file_sha256
from workers.text.normalize import NORMALIZER_VERSION

logger = logging.getLogger(__name__)

METADATA_FILE = "model.json"
#: The metadata field that names the normalizer a model or resource set was built with.
NORMALIZER_FIELD = "normalizer"


@dataclass(frozen=True, slots=True)
class ShippedModel:
    """A verified model file: where it is, its sha256, its metadata and the tagger version it gives."""

    path: Path
    digest: str
    metadata: dict[str, Any]
    #: `<kind>-<first 12 hex digits of the sha256>`, such as `crf-d1af1d3f1f3f`.
    version: str


def open_model(directory: Path, model_file: str, kind: str) -> ShippedModel:
    """Verify `directory/model_file` against its checksum and its metadata against the running
    normalizer; raise ModelIntegrityError or NormalizerMismatchError, else describe the model."""
    path = directory / model_file
    digest = verify_checksum(path)
    metadata = read_metadata(directory)
    check_normalizer(metadata, directory / METADATA_FILE)
    return ShippedModel(path, digest, metadata, f"{kind}-{digest[:12]}")


def read_metadata(directory: Path) -> dict[str, Any]:
    """The training metadata stored with a model (empty when absent)."""
    return read_json_object(directory / METADATA_FILE)


def read_json_object(path: Path) -> dict[str, Any]:
    """A metadata file's JSON object, empty when there is no such file."""
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def check_normalizer(metadata: dict[str, Any], source: Path) -> None:
    """Refuse what `source` describes when it was built with another normalizer than the running one.

    Without the field (a model from an older Khabar, or from elsewhere) it is loaded with a warning.
    """
    recorded = metadata.get(NORMALIZER_FIELD)
    if recorded is None:
        logger.warning(
            "%s records no normalizer version: assuming %s; rebuild it to record one", source, NORMALIZER_VERSION
        )
    elif recorded != NORMALIZER_VERSION:
        raise NormalizerMismatchError(
            f"{source} was built with normalizer {recorded}, but this Khabar normalizes with {NORMALIZER_VERSION}: "
            "its words would not match; retrain or rebuild it with this version"
        )


def checksum_path(model_path: Path) -> Path:
    """Where the digest of `model_path` is recorded."""
    return model_path.with_name(model_path.name + ".sha256")


def write_checksum(model_path: Path) -> str:
    """Record the model file's sha256 next to it; return the digest."""
    digest = file_sha256(model_path)
    checksum_path(model_path).write_text(f"{digest}  {model_path.name}\n", encoding="utf-8")
    return digest


def verify_checksum(model_path: Path) -> str:
    """Check the model file against its recorded sha256; return the digest or raise."""
    recorded = checksum_path(model_path)
    if not model_path.is_file() or not recorded.is_file():
        raise ModelIntegrityError(f"model {model_path.name} or its checksum is missing in {model_path.parent}")
    expected = recorded.read_text(encoding="utf-8").split()[0]
    actual = file_sha256(model_path)
    if actual != expected:
        raise ModelIntegrityError(
            f"model {model_path} has sha256 {actual}, but {recorded.name} records {expected}; "
            "the file is damaged or was replaced without retraining"
        )
    return actual
