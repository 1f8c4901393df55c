"""Arrays that models ship as `.npy` files, memory-mapped after their sha256 is checked.

A mapped array costs nothing to open and only the pages that are read count in the process's memory,
so a process starts without reading a model into Python objects. Its metadata file (JSON) lists each
array file's digest under `sha256`; a file that does not match is refused rather than read. The
language model (`text.language`) and the entity lexicon (`ner.lexicon`) are stored this way; this is
their one reader, in the lowest layer so that both can use it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workers.errors import ModelIntegrityError

DIGESTS_FIELD = "sha256"


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_arrays(
    directory: Path, metadata_file: str, arrays: dict[str, np.ndarray[Any, Any]], metadata: dict[str, Any]
) -> None:
    """Write each array as `<name>.npy` and `metadata_file` with `metadata` and the files' digests."""
    directory.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, array in arrays.items():
        path = directory / f"{name}.npy"
        np.save(path, np.ascontiguousarray(array), allow_pickle=False)
        digests[path.name] = file_sha256(path)
    text = json.dumps({**metadata, DIGESTS_FIELD: digests}, ensure_ascii=False, indent=2) + "\n"
    (directory / metadata_file).write_text(text, encoding="utf-8")


def open_arrays(directory: Path, metadata_file: str, names: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The metadata and the arrays `<name>.npy` of `directory`, mapped read-only, after their digests.

    Raises FileNotFoundError without the metadata file, ModelIntegrityError for an array file that is
    missing or does not match the digest the metadata records.
    """
    metadata_path = directory / metadata_file
    if not metadata_path.is_file():
        raise FileNotFoundError(f"{metadata_path} is missing")
    metadata: dict[str, Any] = json.loads(metadata_path.read_text(encoding="utf-8"))
    recorded: dict[str, str] = metadata.get(DIGESTS_FIELD, {})
    arrays = {}
    for name in names:
        path = directory / f"{name}.npy"
        if not path.is_file():
            raise ModelIntegrityError(f"{directory} lacks {path.name}, which {metadata_file} lists")
        actual = file_sha256(path)
        if actual != recorded.get(path.name):
            raise ModelIntegrityError(
                f"{path} has sha256 {actual}, but {metadata_file} records {recorded.get(path.name)}; "
                "the file is damaged or was replaced without building it again"
            )
        arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False)
    return metadata, arrays
