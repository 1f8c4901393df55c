"""The records Khabar reads and writes, checked against the JSON Schemas in `schemas/`.

Decoding never raises for bad input: it returns a `Rejection` (an error as a value, with a stable
`kind`) that the caller parks on the dead-letter topic or file.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal

import orjson
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator

import workers
from workers.paths import schema_dir

ErrorKind = Literal[
    "too_large", "not_utf8", "not_json", "not_object", "schema", "enrichment_failed", "enrichment_timeout"
]
SchemaName = Literal["article.raw.v1", "article.enriched.v1", "entity-mention.v1", "dead-letter.v1"]

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def is_rfc3339(value: object) -> bool:
    """True for an RFC 3339 date-time with a real calendar date and an explicit offset."""
    if not isinstance(value, str):
        return True  # formats constrain strings only; the type is the schema's business
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(is_rfc3339)


@cache
def validator(name: SchemaName) -> Validator:
    """The validator of one schema file, with RFC 3339 `date-time` checking switched on."""
    schema = orjson.loads((schema_dir() / f"{name}.json").read_bytes())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_FORMATS)


def schema_errors(name: SchemaName, record: Any) -> list[str]:
    """Human-readable violations of schema `name` by `record`, empty when it conforms."""
    errors = sorted(validator(name).iter_errors(record), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}" for error in errors]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """A raw article that passed the schema; `fields` holds every field as received."""

    fields: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.fields["id"])

    @property
    def title(self) -> str | None:
        title = self.fields.get("title")
        return title if isinstance(title, str) else None

    @property
    def body(self) -> str:
        return str(self.fields["body"])


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why an input cannot be enriched: a stable `kind` and a message for people."""

    kind: ErrorKind
    message: str
    article_id: str | None = None
    traceback: str | None = None


def decode_raw(payload: bytes, max_bytes: int) -> RawArticle | Rejection:
    """Turn the bytes of one record (or JSONL line) into a RawArticle, or say why not."""
    if len(payload) > max_bytes:
        return Rejection("too_large", f"record is {len(payload)} bytes, the limit is {max_bytes}")
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError as error:
        return Rejection("not_utf8", f"not UTF-8: {error.reason} at byte {error.start}")
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        return Rejection("not_json", f"not JSON: {error}")
    if not isinstance(data, dict):
        return Rejection("not_object", f"expected a JSON object, got {_json_type(data)}")
    article_id = data.get("id") if isinstance(data.get("id"), str) else None
    errors = schema_errors("article.raw.v1", data)
    if errors:
        return Rejection("schema", "; ".join(errors), article_id=article_id)
    return RawArticle(data)


def _json_type(value: object) -> str:
    names = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return names.get(type(value), "null")


def dead_letter(rejection: Rejection, payload: bytes, source: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    """The dead-letter record for `payload`: reason, origin, and the payload cut to `max_bytes`."""
    kept = payload[:max_bytes]
    try:
        data, encoding = kept.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as undecodable:
        if len(kept) < len(payload) and undecodable.reason == "unexpected end of data":
            data, encoding = kept[: undecodable.start].decode("utf-8"), "utf-8"  # cut inside a character
        else:
            data, encoding = base64.b64encode(kept).decode("ascii"), "base64"
    error: dict[str, Any] = {"kind": rejection.kind, "message": rejection.message}
    if rejection.traceback:
        error["traceback"] = rejection.traceback
    record: dict[str, Any] = {
        "error": error,
        "source": source,
        "payload": {"encoding": encoding, "data": data, "size": len(payload), "truncated": len(kept) < len(payload)},
        "failed_at": now_rfc3339(),
        "pipeline_version": workers.__version__,
    }
    if rejection.article_id is not None:
        record["article_id"] = rejection.article_id
    return record


def now_rfc3339() -> str:
    """The current UTC time as an RFC 3339 string with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode(record: dict[str, Any]) -> bytes:
    """Serialize an outgoing record (orjson: compact, UTF-8, rejects lone surrogates).

    The result is copied to its exact size: orjson returns at least a 4 KiB allocation per call,
    and outputs wait in memory until the broker acknowledges them (a long article's thousand
    entity mentions held 5.6 MiB instead of 0.6).
    """
    return bytes(memoryview(orjson.dumps(record)))
