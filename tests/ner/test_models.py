"""Model directories: the checksum, the metadata and the normalizer version are checked at every load."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workers.errors import ModelIntegrityError, NormalizerMismatchError
from workers.ner.crf import DEFAULT_MODEL_DIR, MODEL_FILE, CrfTagger
from workers.ner.models import METADATA_FILE, checksum_path, open_model, read_metadata
from workers.text.normalize import NORMALIZER_VERSION


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A copy of the shipped CRF model directory, free to damage."""
    return Path(shutil.copytree(DEFAULT_MODEL_DIR, tmp_path / "model"))


def set_normalizer(directory: Path, version: str | None) -> None:
    metadata = read_metadata(directory)
    if version is None:
        del metadata["normalizer"]
    else:
        metadata["normalizer"] = version
    (directory / METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")


def test_the_shipped_models_record_the_running_normalizer() -> None:
    assert read_metadata(DEFAULT_MODEL_DIR)["normalizer"] == NORMALIZER_VERSION
    neural = DEFAULT_MODEL_DIR.parent / "neural_model"
    assert read_metadata(neural)["normalizer"] == NORMALIZER_VERSION


def test_open_model_gives_the_verified_file_its_metadata_and_version() -> None:
    shipped = open_model(DEFAULT_MODEL_DIR, MODEL_FILE, "crf")
    recorded = checksum_path(DEFAULT_MODEL_DIR / MODEL_FILE).read_text(encoding="utf-8").split()[0]
    assert shipped.path == DEFAULT_MODEL_DIR / MODEL_FILE
    assert shipped.digest == recorded
    assert shipped.version == f"crf-{recorded[:12]}" == "crf-d1af1d3f1f3f"
    assert shipped.metadata["features"]["resources"] is True


def test_a_tampered_model_file_is_refused(model_dir: Path) -> None:
    with (model_dir / MODEL_FILE).open("r+b") as model:
        model.seek(1000)
        byte = model.read(1)
        model.seek(1000)
        model.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ModelIntegrityError, match="sha256"):
        open_model(model_dir, MODEL_FILE, "crf")


def test_another_normalizer_is_refused_naming_the_file_and_both_versions(model_dir: Path) -> None:
    set_normalizer(model_dir, "norm-000000000000")
    with pytest.raises(NormalizerMismatchError) as refused:
        CrfTagger.load(model_dir)
    message = str(refused.value)
    assert str(model_dir / METADATA_FILE) in message
    assert "norm-000000000000" in message and NORMALIZER_VERSION in message


def test_a_model_without_a_normalizer_version_loads_with_a_warning(
    model_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    set_normalizer(model_dir, None)
    with caplog.at_level(logging.WARNING, logger="workers.ner.models"):
        tagger = CrfTagger.load(model_dir)
    assert "records no normalizer version" in caplog.text
    assert tagger.version == CrfTagger.load().version


def test_enrich_with_a_model_of_another_normalizer_is_one_error_line(model_dir: Path, tmp_path: Path) -> None:
    set_normalizer(model_dir, "norm-000000000000")
    environment = {**os.environ, "KHABAR_TAGGER": "crf", "KHABAR_TAGGER_MODEL": str(model_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "workers", "enrich", "-"],
        input='{"id": "a", "body": "وصل الوفد إلى سرت"}\n'.encode(),
        capture_output=True,
        env=environment,
        timeout=300,
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.decode().splitlines() if line.startswith("khabar: error:")]
    assert len(errors) == 1
    assert "normalizer norm-000000000000" in errors[0] and NORMALIZER_VERSION in errors[0]
    assert "Traceback" not in result.stderr.decode()
    assert result.stdout == b""
