"""Entity-level scores by the conlleval rules, checked against counts worked out by hand."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from lab.corpora import Sentence
from lab.evaluate import Score, evaluate, format_report, score_spans
from workers.ner.spans import bio_spans


class FixedTagger:
    """Returns prepared tags, one list per call, in order."""

    name = "fixed"
    version = "test"

    def __init__(self, outputs: Sequence[Sequence[str]]) -> None:
        self._outputs = iter(outputs)

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return list(next(self._outputs))


def sentence(*tags: str) -> Sentence:
    return Sentence(tuple(f"w{i}" for i in range(len(tags))), tags)


def test_scores_of_counts() -> None:
    score = Score(correct=3, predicted=4, gold=6)
    assert score.precision == pytest.approx(0.75)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(0.6)


def test_scores_are_zero_when_undefined() -> None:
    assert (Score(0, 0, 0).precision, Score(0, 0, 0).recall, Score(0, 0, 0).f1) == (0.0, 0.0, 0.0)
    assert Score(0, 2, 0).f1 == 0.0


def test_only_exact_spans_of_the_right_type_count() -> None:
    gold = [
        sentence("B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG", "I-ORG"),
        sentence("B-MISC", "O", "B-LOC"),
    ]
    predicted = [
        # PER exact (correct), LOC typed as ORG (wrong), ORG one token short (wrong).
        ["B-PER", "I-PER", "O", "B-ORG", "O", "B-ORG", "I-ORG", "O"],
        # MISC missed, LOC correct, one extra PER.
        ["O", "B-PER", "B-LOC"],
    ]
    report = evaluate(FixedTagger(predicted), gold)
    assert report.by_type["PER"] == Score(correct=1, predicted=2, gold=1)
    assert report.by_type["LOC"] == Score(correct=1, predicted=1, gold=2)
    assert report.by_type["ORG"] == Score(correct=0, predicted=2, gold=1)
    assert report.by_type["MISC"] == Score(correct=0, predicted=0, gold=1)
    assert report.micro == Score(correct=2, predicted=5, gold=5)
    assert report.micro.f1 == pytest.approx(0.4)
    assert (report.sentences, report.tokens) == (2, 11)


def test_stray_inside_tag_starts_an_entity_as_in_conlleval() -> None:
    by_type, micro = score_spans([bio_spans(["O", "I-PER", "I-PER"])], [bio_spans(["O", "B-PER", "I-PER"])])
    assert by_type["PER"] == Score(1, 1, 1)
    assert micro.f1 == 1.0


def test_report_table_lists_every_type_and_the_micro_average() -> None:
    report = evaluate(FixedTagger([["B-PER", "O"]]), [sentence("B-PER", "B-LOC")])
    table = format_report(report)
    rows = {line.split()[0]: line.split()[1:4] for line in table.splitlines()[1:5]}
    assert rows["PER"] == ["1.0000", "1.0000", "1.0000"]
    assert rows["LOC"] == ["0.0000", "0.0000", "0.0000"]
    assert "micro     1.0000  0.5000  0.6667" in table


def test_the_document_pass_runs_over_all_the_sentences_read_as_one_stream() -> None:
    from workers.ner.document import DocumentRules

    gold = [Sentence(("في", "سرت"), ("O", "B-LOC")), Sentence(("عن", "سرت"), ("O", "B-LOC"))]
    predicted = [["O", "B-LOC"], ["O", "O"]]
    assert evaluate(FixedTagger(predicted), gold).micro == Score(correct=1, predicted=1, gold=2)
    assert evaluate(FixedTagger(predicted), gold, DocumentRules()).micro == Score(correct=2, predicted=2, gold=2)
