"""Storing py3langid's model: the tool gives the shipped files, byte for byte."""

from __future__ import annotations

from pathlib import Path

from lab.compile_langid import compile_langid
from workers.text.language import ARRAYS, DEFAULT_MODEL_DIR, METADATA_FILE, array_name


def test_compiling_gives_the_shipped_files(tmp_path: Path) -> None:
    """Reads py3langid's model (a second to decompress) and the shipped copy."""
    compile_langid(tmp_path)
    for name in [*(f"{array_name(array)}.npy" for array in ARRAYS), METADATA_FILE]:
        assert (tmp_path / name).read_bytes() == (DEFAULT_MODEL_DIR / name).read_bytes(), name
