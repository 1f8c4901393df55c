"""Decoding: every malformed input becomes a Rejection with a stable kind; dead letters fit their schema."""

import tracemalloc
from pathlib import Path

import orjson
import pytest

from tests.data.malformed_lines import malformed_lines
from workers.contract.records import RawArticle, Rejection, dead_letter, decode_raw, encode, is_rfc3339, schema_errors
from workers.settings import MIB

DATA = Path(__file__).parents[1] / "data"
EXPECTED_KIND = {
    "not-json-unquoted-keys": "not_json",
    "truncated-json-unterminated-string": "not_json",
    "json-array-not-object": "not_object",
    "json-string-not-object": "not_object",
    "json-number-not-object": "not_object",
    "json-null-not-object": "not_object",
    "object-without-id": "schema",
    "object-without-body": "schema",
    "id-empty-string": "schema",
    "id-longer-than-256-chars": "schema",
    "id-is-number": "schema",
    "body-is-list": "schema",
    "title-is-number": "schema",
    "published-at-not-rfc3339": "schema",
    "lone-surrogate-escape-in-body": "not_json",
    "invalid-utf8-bytes-in-body": "not_utf8",
    "body-over-4-mib": "too_large",
}


@pytest.mark.parametrize(("case", "line"), malformed_lines(), ids=[case for case, _ in malformed_lines()])
def test_malformed_line_is_rejected_with_its_kind(case: str, line: bytes) -> None:
    rejection = decode_raw(line, MIB)
    assert isinstance(rejection, Rejection)
    assert rejection.kind == EXPECTED_KIND[case]
    assert rejection.message
    letter = dead_letter(rejection, line, {"file": "input.jsonl", "line": 3}, MIB)
    assert schema_errors("dead-letter.v1", letter) == []
    assert len(orjson.dumps(letter)) < 2 * MIB


@pytest.mark.parametrize("path", [DATA / "odd_articles.jsonl", Path(__file__).parents[2] / "seeds" / "articles.jsonl"])
def test_odd_and_sample_articles_decode(path: Path) -> None:
    for line in path.read_bytes().splitlines():
        assert isinstance(decode_raw(line, MIB), RawArticle), line[:80]


def test_unknown_fields_are_kept() -> None:
    article = decode_raw(b'{"id": "a", "body": "x", "feed_rank": 3}', MIB)
    assert isinstance(article, RawArticle)
    assert article.fields["feed_rank"] == 3


def test_schema_rejection_names_the_article_and_the_field() -> None:
    rejection = decode_raw(b'{"id": "a-1", "body": 7}', MIB)
    assert isinstance(rejection, Rejection)
    assert rejection.article_id == "a-1"
    assert rejection.message.startswith("body:")


def test_dead_letter_keeps_text_payload_as_text_and_cuts_it_at_the_limit() -> None:
    payload = ("{" + "ب" * 100).encode()
    letter = dead_letter(Rejection("not_json", "bad"), payload, {"file": "f", "line": 1}, max_bytes=10)
    assert letter["payload"] == {"encoding": "utf-8", "data": "{" + "ب" * 4, "size": 201, "truncated": True}


def test_dead_letter_keeps_bytes_that_are_not_utf8_as_base64() -> None:
    letter = dead_letter(Rejection("not_utf8", "bad"), b"\xff\xfe", {"topic": "t", "partition": 0, "offset": 5}, MIB)
    assert letter["payload"]["encoding"] == "base64"
    assert letter["payload"]["data"] == "//4="


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2026-11-29T08:00:00Z", True),
        ("2026-11-29T08:00:00.123+03:00", True),
        ("2026-02-30T08:00:00Z", False),
        ("2026-11-29T08:00:00", False),
        ("2026/11/29 08:00", False),
    ],
)
def test_rfc3339(value: str, valid: bool) -> None:
    assert is_rfc3339(value) is valid


def test_error_kinds_are_the_schemas_kinds() -> None:
    from typing import get_args

    from workers.contract.records import ErrorKind, validator

    schema_kinds = validator("dead-letter.v1").schema["properties"]["error"]["properties"]["kind"]["enum"]
    assert set(get_args(ErrorKind)) == set(schema_kinds)


def test_encoded_records_hold_no_more_memory_than_their_bytes() -> None:
    """Outputs wait in memory for the broker: a small record must not pin orjson's 4 KiB buffer."""
    tracemalloc.start()
    try:
        encoded = [encode({"id": f"a-{number}", "entity": "سرت"}) for number in range(1000)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 1000 * (len(encoded[0]) + 200)
