"""Model files are verified against a recorded sha256 before they are loaded.

A model file `model.x` has its digest in `model.x.sha256`, in `sha256sum` format, so a damaged or
swapped file is refused instead of quietly tagging with other weights.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from workers.errors import ModelIntegrityError


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
