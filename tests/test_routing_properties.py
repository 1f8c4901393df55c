"""route turns any input into one dead letter, or one enriched record plus its mentions, all schema-valid;
an input over the input limit and an enriched record over the output limit are dead-lettered apart."""

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import PROPERTY, article_objects, mostly, sources
from workers.contract.schemas import SchemaName, schema_errors
from workers.ner.crf import CrfTagger
from workers.pipeline import Pipeline
from workers.routing import route
from workers.settings import MIB
from workers.text.language import LanguageDetector

SCHEMA_OF_OUTPUT: dict[str, SchemaName] = {
    "enriched": "article.enriched.v1.1",
    "entity": "entity-mention.v1.1",
    "dead_letter": "dead-letter.v1",
}

payloads = st.one_of(st.binary(max_size=300), article_objects().map(orjson.dumps))
# Input limits that cut some payloads and output limits that some enriched records exceed.
max_bytes = mostly(st.just(MIB), st.integers(min_value=0, max_value=300))
max_output_bytes = mostly(st.just(MIB), st.integers(min_value=0, max_value=2000))


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(LanguageDetector.load(), CrfTagger.load())


@PROPERTY
@given(payload=payloads, source=sources, limit=max_bytes, output_limit=max_output_bytes)
def test_one_dead_letter_or_one_enriched_record_with_its_mentions(
    pipeline: Pipeline, payload: bytes, source: dict[str, Any], limit: int, output_limit: int
) -> None:
    outputs = route(pipeline, payload, source, limit, output_limit)
    kinds = [output.kind for output in outputs]
    assert kinds in (["dead_letter"], ["enriched"] + ["entity"] * (len(kinds) - 1))
    records = [orjson.loads(output.value) for output in outputs]
    for output, record in zip(outputs, records, strict=True):
        assert schema_errors(SCHEMA_OF_OUTPUT[output.kind], record) == []
    if kinds == ["dead_letter"]:
        (letter,) = records
        assert (letter["error"]["kind"] == "too_large") == (len(payload) > limit)
        if letter["error"]["kind"] == "output_too_large":
            assert letter["article_id"] == orjson.loads(payload)["id"]
            assert outputs[0].key == letter["article_id"].encode()
    if kinds[0] == "enriched":
        assert len(outputs[0].value) <= output_limit
        assert outputs[0].key == records[0]["id"].encode()
        assert [output.key for output in outputs[1:]] == [
            record["canonical"]["normalized"].encode() for record in records[1:]
        ]
