"""The fold command: one model per fold trained on the others, scored on its held-out stretch, the
scores summarized as mean, deviation and range; fold models reused when their key matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.corpora import Sentence
from lab.evaluate import EvaluationReport, Score
from lab.folds import FoldOptions, FoldResult, Spread, fold_predictions, format_folds, main, score_folds, spreads
from lab.train_crf import CrfParams
from tests.lab.test_train_crf import TINY_CORPUS

TYPES = ("PER", "LOC", "ORG", "MISC")


def result(index: int, correct: int) -> FoldResult:
    by_type = {name: Score(correct, 10, 10) for name in TYPES}
    report = EvaluationReport(by_type, Score(4 * correct, 40, 40), 10, 100)
    return FoldResult(index, 10 * index, 10 * index + 10, report)


def test_spread_is_mean_sample_deviation_and_range() -> None:
    spread = Spread.of([0.6, 0.7, 0.8])
    assert spread.mean == pytest.approx(0.7)
    assert spread.sd == pytest.approx(0.1)
    assert (spread.low, spread.high) == (0.6, 0.8)


def test_the_table_has_a_row_per_fold_and_the_spread_of_each_type() -> None:
    results = [result(0, 6), result(1, 8)]
    assert spreads(results)["micro"].mean == pytest.approx(0.7)
    table = format_folds(results)
    assert "0-10" in table and "10-20" in table
    assert "micro  0.7000 ± 0.1414 (0.6000–0.8000)" in table


def tiny(tmp_path: Path) -> list[Sentence]:
    from lab.corpora import read_anercorp

    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CORPUS * 3, encoding="utf-8")
    return read_anercorp(corpus)


@pytest.mark.thorough
def test_each_fold_model_is_scored_on_its_own_stretch_and_reused(tmp_path: Path) -> None:
    sentences = tiny(tmp_path)
    options = FoldOptions({"resources": False}, CrfParams(max_iterations=20))
    models = tmp_path / "models"
    predictions = fold_predictions(sentences, options, 3, jobs=2, models_dir=models)
    assert [fold.held_out for fold, _ in predictions] == [sentences[0:4], sentences[4:8], sentences[8:12]]
    assert all(len(tags) == 4 for _, tags in predictions)
    stamps = sorted(path.stat().st_mtime_ns for path in models.glob("*/model.crfsuite"))
    assert len(stamps) == 3
    again = fold_predictions(sentences, options, 3, models_dir=models)
    assert sorted(path.stat().st_mtime_ns for path in models.glob("*/model.crfsuite")) == stamps
    assert [tags for _, tags in again] == [tags for _, tags in predictions]
    assert len(score_folds(predictions)) == 3


@pytest.mark.thorough
def test_the_command_prints_and_writes_the_fold_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CORPUS * 3, encoding="utf-8")
    out = tmp_path / "folds.json"
    argv = ["--train", str(corpus), "--folds", "3", "--no-resources", "--max-iterations", "20", "--document"]
    assert main([*argv, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 consecutive folds" in printed and "mean ± sd" in printed
    written = json.loads(out.read_text(encoding="utf-8"))
    assert len(written["folds"]) == 3 and set(written["f1"]) == {*TYPES, "micro"}
