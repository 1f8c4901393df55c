"""Mapped arrays: saved and opened again equal, mapped rather than read, refused when damaged or missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workers.errors import ModelIntegrityError
from workers.text.mapped import open_arrays, save_arrays

ARRAYS: dict[str, np.ndarray[Any, Any]] = {
    "weights": np.arange(12, dtype=np.float16).reshape(3, 4),
    "ids": np.array([3, -1, 7], dtype=np.int32),
}


def test_arrays_come_back_equal_and_mapped(tmp_path: Path) -> None:
    save_arrays(tmp_path, "model.json", ARRAYS, {"note": "x"})
    metadata, arrays = open_arrays(tmp_path, "model.json", ["weights", "ids"])
    assert metadata["note"] == "x" and set(metadata["sha256"]) == {"weights.npy", "ids.npy"}
    for name, array in ARRAYS.items():
        assert isinstance(arrays[name], np.memmap)
        assert arrays[name].dtype == array.dtype and np.array_equal(arrays[name], array)


def test_a_changed_byte_is_refused(tmp_path: Path) -> None:
    save_arrays(tmp_path, "model.json", ARRAYS, {})
    path = tmp_path / "ids.npy"
    path.write_bytes(path.read_bytes()[:-1] + b"\x01")
    with pytest.raises(ModelIntegrityError, match=r"ids\.npy has sha256 .* but model\.json records"):
        open_arrays(tmp_path, "model.json", ["weights", "ids"])


def test_an_array_without_a_recorded_digest_is_refused(tmp_path: Path) -> None:
    save_arrays(tmp_path, "model.json", ARRAYS, {})
    metadata = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    del metadata["sha256"]["ids.npy"]
    (tmp_path / "model.json").write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="records None"):
        open_arrays(tmp_path, "model.json", ["ids"])


def test_a_missing_array_is_refused_and_a_missing_metadata_file_is_not_found(tmp_path: Path) -> None:
    save_arrays(tmp_path, "model.json", ARRAYS, {})
    (tmp_path / "weights.npy").unlink()
    with pytest.raises(ModelIntegrityError, match=r"lacks weights\.npy"):
        open_arrays(tmp_path, "model.json", ["weights"])
    with pytest.raises(FileNotFoundError):
        open_arrays(tmp_path, "other.json", ["ids"])
