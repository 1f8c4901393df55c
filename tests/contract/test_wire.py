"""The wire: every malformed input becomes a Rejection with a stable kind; dead letters fit their schema;
encoded records are compact; the dedupe key follows the raw content."""

import re
import tracemalloc
from pathlib import Path

import orjson
import pytest

from tests.data.malformed_lines import malformed_lines
from workers.contract.records import RawArticle, Rejection, TopicSource
from workers.contract.schemas import is_rfc3339, schema_errors
from workers.contract.wire import dead_letter, dead_letter_headers, decode_raw, dedupe_key, encode, now_rfc3339
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


def test_an_input_of_exactly_the_limit_is_decoded_and_one_byte_more_is_too_large() -> None:
    payload = b'{"id": "a", "body": "x"}'
    assert isinstance(decode_raw(payload, len(payload)), RawArticle)
    rejection = decode_raw(payload, len(payload) - 1)
    assert isinstance(rejection, Rejection)
    assert rejection.kind == "too_large"
    assert rejection.message == f"record is {len(payload)} bytes, the limit is {len(payload) - 1}"


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


def test_dead_letter_carries_the_reason_the_article_id_and_the_traceback_when_there_are_some() -> None:
    source = {"topic": "articles.raw", "partition": 2, "offset": 7, "key": "a-1"}
    failed = Rejection("enrichment_failed", "ValueError: boom", article_id="a-1", traceback="Traceback …")
    letter = dead_letter(failed, b'{"id": "a-1", "body": "x"}', source, MIB)
    assert letter["error"] == {"kind": "enrichment_failed", "message": "ValueError: boom", "traceback": "Traceback …"}
    assert (letter["article_id"], letter["source"]) == ("a-1", source)
    assert schema_errors("dead-letter.v1", letter) == []

    unread = dead_letter(Rejection("not_json", "bad"), b"{", {"file": "f", "line": 1}, MIB)
    assert "article_id" not in unread
    assert "traceback" not in unread["error"]


def test_timestamps_are_rfc3339_utc_with_milliseconds() -> None:
    stamp = now_rfc3339()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp), stamp
    assert is_rfc3339(stamp)


def test_encoded_records_hold_no_more_memory_than_their_bytes() -> None:
    """Outputs wait in memory for the broker: a small record must not pin orjson's 4 KiB buffer."""
    tracemalloc.start()
    try:
        encoded = [encode({"id": f"a-{number}", "entity": "سرت"}) for number in range(1000)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 1000 * (len(encoded[0]) + 200)


def test_encoding_is_compact_utf8() -> None:
    assert encode({"id": "a", "entity": "سرت"}) == '{"id":"a","entity":"سرت"}'.encode()


def test_dedupe_key_is_stable_for_the_same_content_and_changes_with_it() -> None:
    first = dedupe_key(RawArticle({"id": "a-1", "body": "خبر عاجل", "title": "عنوان"}))
    reordered = dedupe_key(RawArticle({"id": "a-1", "title": "عنوان", "body": "خبر عاجل"}))
    edited = dedupe_key(RawArticle({"id": "a-1", "body": "خبر عاجل جدا", "title": "عنوان"}))
    assert first == reordered != edited
    assert first.startswith("a-1:")


def test_dead_letter_headers_carry_the_reason_and_the_record_it_came_from() -> None:
    source: TopicSource = {"topic": "articles.raw", "partition": 3, "offset": 41, "key": "a-1"}
    letter = dead_letter(Rejection("schema", "body: required", article_id="a-1"), b"{}", source, MIB)

    assert dead_letter_headers(letter) == (
        ("khabar.error.kind", b"schema"),
        ("khabar.error.message", b"body: required"),
        ("khabar.source.topic", b"articles.raw"),
        ("khabar.source.partition", b"3"),
        ("khabar.source.offset", b"41"),
    )
