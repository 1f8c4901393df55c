"""Raw input lines that a decoder must turn into dead letters, never into articles or crashes.

They live in code rather than in a JSONL file because some cannot be stored as text (invalid UTF-8) and one
is 4 MiB, built only when asked for. A blank line is deliberately absent: readers skip blank lines.
"""

import json

OVERSIZED_BODY_BYTES = 4 * 1024 * 1024
"""Size of the body in the oversized case: well past Kafka's default 1 MB message limit."""


def _record(case_id: str, **fields: object) -> bytes:
    """Encode one JSON object whose id names the case, so a dead letter points back to it."""
    return json.dumps({"id": case_id, **fields}, ensure_ascii=False).encode("utf-8")


def malformed_lines() -> list[tuple[str, bytes]]:
    """Return (case name, raw line bytes without the line end); each name says what is wrong."""
    arabic_letter = "ك".encode()
    oversized_body = arabic_letter * (OVERSIZED_BODY_BYTES // len(arabic_letter))
    return [
        ("not-json-unquoted-keys", b"{id: malformed-1, body: '\xd9\x86\xd8\xb5'}"),
        ("truncated-json-unterminated-string", '{"id": "malformed-truncated", "body": "نص مقطو'.encode()),
        ("json-array-not-object", b'[{"id": "malformed-array", "body": "x"}]'),
        ("json-string-not-object", b'"just a string"'),
        ("json-number-not-object", b"42"),
        ("json-null-not-object", b"null"),
        ("object-without-id", '{"title": "بلا معرف", "body": "نص"}'.encode()),
        ("object-without-body", _record("malformed-without-body", title="عنوان بلا نص")),
        ("id-empty-string", _record("", body="نص")),
        ("id-longer-than-256-chars", _record("malformed-id-" + "x" * 287, body="نص")),
        ("id-is-number", b'{"id": 12345, "body": "x"}'),
        ("body-is-list", _record("malformed-body-list", body=["فقرة أولى", "فقرة ثانية"])),
        ("title-is-number", _record("malformed-title-number", title=7, body="نص")),
        ("published-at-not-rfc3339", _record("malformed-date", body="نص", published_at="2025/03/02 9:15")),
        ("lone-surrogate-escape-in-body", b'{"id": "malformed-lone-surrogate", "body": "a\\ud800b"}'),
        ("invalid-utf8-bytes-in-body", b'{"id": "malformed-invalid-utf8", "body": "\xff\xfe\xc3\x28"}'),
        ("body-over-4-mib", b'{"id": "malformed-oversized", "body": "' + oversized_body + b'"}'),
    ]
