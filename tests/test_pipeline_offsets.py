"""Offsets round-trip on every entity of the ANERcorp test split, gold and predicted (reads ../shared and
the shipped models: the production pipeline end to end)."""

from __future__ import annotations

import pytest

from lab.corpora import Sentence, read_anercorp
from workers.cli.commands import load_pipeline
from workers.contract.records import RawArticle
from workers.ner.spans import bio_spans
from workers.paths import shared_dir
from workers.settings import Settings
from workers.text.tokenize import tokenize

TEST_SPLIT = shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_test.txt"
SENTENCES_PER_ARTICLE = 25


@pytest.fixture(scope="module")
def test_split() -> list[Sentence]:
    if not TEST_SPLIT.is_file():
        pytest.skip("no ../shared/data/ner beside the checkout")
    return read_anercorp(TEST_SPLIT)


def test_every_gold_entity_maps_to_exact_character_offsets(test_split: list[Sentence]) -> None:
    checked = 0
    for sentence in test_split:
        text = " ".join(sentence.tokens)
        starts = [0]
        for token in sentence.tokens[:-1]:
            starts.append(starts[-1] + len(token) + 1)
        for span in bio_spans(sentence.tags):
            start, end = starts[span.start], starts[span.end - 1] + len(sentence.tokens[span.end - 1])
            assert text[start:end] == " ".join(sentence.tokens[span.start : span.end])
            covering = [t for t in tokenize(text) if start <= t.start and t.end <= end]
            assert "".join(t.text for t in covering) == text[start:end].replace(" ", "")
            checked += 1
    assert checked > 2000


def test_every_predicted_entity_indexes_the_published_text(test_split: list[Sentence]) -> None:
    pipeline = load_pipeline(Settings.from_env({}))
    entities = 0
    for first in range(0, len(test_split), SENTENCES_PER_ARTICLE):
        body = "\n".join(" ".join(s.tokens) for s in test_split[first : first + SENTENCES_PER_ARTICLE])
        record = pipeline.enrich(RawArticle({"id": f"test-{first}", "body": body})).article
        for entity in record["entities"]:
            assert record["body"][entity["start"] : entity["end"]] == entity["text"]
            entities += 1
    assert entities > 1500
