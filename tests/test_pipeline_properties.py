"""The pipeline enriches every schema-valid article into valid, exactly-indexed records."""

from typing import Any

import pytest
from hypothesis import assume, given

from tests.strategies import PROPERTY, article_objects
from workers.contract.records import RawArticle
from workers.contract.schemas import schema_errors
from workers.ner.crf import CrfTagger
from workers.pipeline import Pipeline
from workers.text.language import LanguageDetector


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(LanguageDetector.load(), CrfTagger.load())


@PROPERTY
@given(article=article_objects())
def test_valid_articles_are_enriched_into_valid_records(pipeline: Pipeline, article: dict[str, Any]) -> None:
    assume(schema_errors("article.raw.v1", article) == [])  # most are; routing dead-letters the others
    outcome = pipeline.enrich(RawArticle(article))
    record = outcome.article
    assert schema_errors("article.enriched.v1.1", record) == []
    for entity in record["entities"]:
        assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
    assert len(outcome.mentions) == len(record["entities"])
    for mention in outcome.mentions:
        assert schema_errors("entity-mention.v1.1", mention) == []
        assert record[mention["field"]][mention["start"] : mention["end"]] == mention["entity"]["text"]
