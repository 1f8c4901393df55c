"""The tagger benchmark: what it prints and writes (the speeds themselves are not specified)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from lab.bench.tagger import main, spread_sample
from lab.corpora import Sentence

CORPUS = """\
قال O
محمد B-PERS
في O
بيروت B-LOC

زار O
الوزير O
القاهرة B-LOC
أمس O

أعلنت O
الأمم B-ORG
المتحدة I-ORG

بدأ O
الاجتماع O
"""


def sentence(index: int) -> Sentence:
    return Sentence((str(index),), ("O",))


@pytest.mark.parametrize(
    ("count", "expected"),
    [(5, [0, 2, 4, 6, 8]), (3, [0, 3, 6]), (10, list(range(10))), (20, list(range(10)))],
)
def test_sample_is_spread_over_the_corpus(count: int, expected: list[int]) -> None:
    sentences = [sentence(index) for index in range(10)]

    assert spread_sample(sentences, count) == [sentence(index) for index in expected]


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None,
    reason="the BERT side needs torch and transformers: pip install 'khabar[bert]'",
)
def test_benchmark_prints_a_table_and_writes_both_taggers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, result_path = tmp_path / "corpus.txt", tmp_path / "bench.json"
    corpus.write_text(CORPUS, encoding="utf-8")

    status = main(
        [
            "--corpus",
            str(corpus),
            "--sentences",
            "3",
            "--bert-sentences",
            "2",
            "--bert-size",
            "tiny",
            "--passes",
            "2",
            "--json",
            str(result_path),
        ]
    )

    assert status == 0
    result = json.loads(result_path.read_text(encoding="utf-8"))
    crf, bert = result["taggers"]
    assert (crf["tagger"], crf["sentences"], crf["tokens"]) == ("crf", 3, 11)
    assert (bert["tagger"], bert["sentences"], bert["tokens"]) == ("camel-bert", 2, 7)
    assert bert["model"] == "untrained bert-tiny, random weights"
    for row in (crf, bert):
        assert row["sentences_per_second"] == pytest.approx(row["sentences"] / row["wall_seconds"])
        assert row["tokens_per_second"] == pytest.approx(row["tokens"] / row["wall_seconds"])
        assert row["sentences_per_cpu_second"] == pytest.approx(row["sentences"] / row["cpu_seconds"])
    assert result["crf_to_bert"]["sentences_per_second"] == pytest.approx(
        crf["sentences_per_second"] / bert["sentences_per_second"]
    )
    assert result["torch_threads"] == 1
    assert crf["passes"] == bert["passes"] == 2
    assert result["command"].endswith("--json " + str(result_path))
    printed = capsys.readouterr().out
    assert "CRF/BERT speed" in printed
    assert crf["version"] in printed and bert["version"] in printed
