"""The JSON Schemas (2020-12) of the records Khabar reads and writes, and checking records against them.

The schemas ship inside the package (`workers/contract/data`, a link to the checkout's top-level
`schemas/`, their one source) and are read with `importlib.resources`, so an installed wheel finds
them wherever it runs.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any, Literal, get_args

import orjson
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SchemaName = Literal[
    "article.raw.v1",
    "article.enriched.v1",
    "article.enriched.v1.1",
    "article.enriched.v1.2",
    "entity-mention.v1",
    "entity-mention.v1.1",
    "place.v1",
    "dead-letter.v1",
    "entity-trend.v1",
    "story-entry.v1",
]
#: What Khabar writes now; the earlier versions stay in the package for consumers that still read them.
ENRICHED_SCHEMA: SchemaName = "article.enriched.v1.2"
MENTION_SCHEMA: SchemaName = "entity-mention.v1.1"
TREND_SCHEMA: SchemaName = "entity-trend.v1"
STORY_ENTRY_SCHEMA: SchemaName = "story-entry.v1"

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


def schema(name: SchemaName) -> dict[str, Any]:
    """The parsed schema file `name`.json, as packaged."""
    loaded: dict[str, Any] = orjson.loads((files("workers.contract") / "data" / f"{name}.json").read_bytes())
    return loaded


@cache
def _registry() -> Registry:
    """Every packaged schema by its `$id`, so that one schema's `$ref` finds another (`place.v1`)."""
    names: tuple[SchemaName, ...] = get_args(SchemaName)
    return Registry().with_resources(
        (loaded["$id"], DRAFT202012.create_resource(loaded)) for loaded in map(schema, names)
    )


@cache
def validator(name: SchemaName) -> Validator:
    """The validator of one schema, with RFC 3339 `date-time` checking switched on."""
    loaded = schema(name)
    Draft202012Validator.check_schema(loaded)
    return Draft202012Validator(loaded, format_checker=_FORMATS, registry=_registry())


def schema_errors(name: SchemaName, record: Any) -> list[str]:
    """Human-readable violations of schema `name` by `record`, empty when it conforms."""
    errors = sorted(validator(name).iter_errors(record), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}" for error in errors]
