"""The training command: a tiny corpus gives a loadable, checksummed model with its metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.train_crf import main
from workers.ner.crf import MODEL_FILE, CrfTagger
from workers.ner.models import METADATA_FILE, checksum_path
from workers.text.normalize import NORMALIZER_VERSION

TINY_CORPUS = """\
قال O
الرئيس O
جورج B-PERS
بوش I-PERS

زار O
الوزير O
بغداد B-LOC

أعلنت O
وزارة B-ORG
الخارجية I-ORG

التقى O
الرئيس O
حامد B-PERS
كرزاي I-PERS
في O
كابول B-LOC

"""


@pytest.mark.thorough
def test_training_writes_a_model_that_loads_and_tags(tmp_path: Path) -> None:
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CORPUS * 3, encoding="utf-8")
    out = tmp_path / "model"
    argv = ["--train", str(corpus), "--out", str(out), "--folds", "3"]
    assert main([*argv, "--max-iterations", "30"]) == 0

    assert {MODEL_FILE, checksum_path(out / MODEL_FILE).name, METADATA_FILE} <= {path.name for path in out.iterdir()}
    metadata = json.loads((out / METADATA_FILE).read_text(encoding="utf-8"))
    assert metadata["data"]["sentences"] == 12
    assert metadata["normalizer"] == NORMALIZER_VERSION
    assert len(metadata["fold_scores"]["folds"]) == 3
    assert set(metadata["fold_scores"]["f1"]) == {"PER", "LOC", "ORG", "MISC", "micro"}
    tagger = CrfTagger.load(out)
    assert tagger.tag(["قال", "الرئيس", "جورج", "بوش"]) == ["O", "O", "B-PER", "I-PER"]


@pytest.mark.thorough
def test_training_is_reproducible(tmp_path: Path) -> None:
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CORPUS * 2, encoding="utf-8")
    digests = []
    for name in ("a", "b"):
        out = tmp_path / name
        main(["--train", str(corpus), "--out", str(out), "--max-iterations", "20"])
        digests.append(checksum_path(out / MODEL_FILE).read_text(encoding="utf-8").split()[0])
    assert digests[0] == digests[1]
