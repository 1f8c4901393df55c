"""decode_raw turns any bytes into a RawArticle or a Rejection, and every Rejection makes a valid dead letter."""

from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import PROPERTY, article_objects, json_values, sources
from workers.contract.records import RawArticle, Rejection
from workers.contract.schemas import schema_errors
from workers.contract.wire import dead_letter, decode_raw

# Small limits as well as roomy ones, so that size rejections and cut payloads come up often.
max_bytes = st.integers(min_value=0, max_value=400)
payloads = st.one_of(
    st.binary(max_size=300),
    json_values.map(orjson.dumps),
    article_objects().map(orjson.dumps),
    # Valid JSON cut short or with a stray byte: mostly not UTF-8 or not JSON.
    st.tuples(article_objects().map(orjson.dumps), st.integers(min_value=0), st.binary(max_size=2)).map(
        lambda parts: parts[0][: parts[1] % (len(parts[0]) + 1)] + parts[2]
    ),
)


def assert_valid_dead_letter(rejection: Rejection, payload: bytes, source: dict[str, Any], limit: int) -> None:
    record = dead_letter(rejection, payload, source, limit)
    assert schema_errors("dead-letter.v1", record) == []
    assert orjson.loads(orjson.dumps(record)) == record


@PROPERTY
@given(payloads, max_bytes, sources)
def test_any_bytes_decode_to_an_article_or_a_rejection_with_a_valid_dead_letter(
    payload: bytes, limit: int, source: dict[str, Any]
) -> None:
    result = decode_raw(payload, limit)
    assert (isinstance(result, Rejection) and result.kind == "too_large") == (len(payload) > limit)
    if isinstance(result, RawArticle):
        assert schema_errors("article.raw.v1", result.fields) == []
    else:
        assert isinstance(result, Rejection)
        assert_valid_dead_letter(result, payload, source, limit)


@PROPERTY
@given(st.one_of(json_values, article_objects()), sources)
def test_any_json_value_decodes_to_an_article_exactly_when_it_is_a_valid_raw_article(
    value: Any, source: dict[str, Any]
) -> None:
    payload = orjson.dumps(value)
    result = decode_raw(payload, len(payload))
    valid = isinstance(value, dict) and schema_errors("article.raw.v1", value) == []
    assert isinstance(result, RawArticle) == valid
    if isinstance(result, Rejection):
        assert result.kind == ("schema" if isinstance(value, dict) else "not_object")
        assert_valid_dead_letter(result, payload, source, len(payload))
