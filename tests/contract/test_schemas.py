"""The schemas ship inside the package, are the checkout's `schemas/` byte for byte, and check records:
violations come back as readable messages, and `date-time` means RFC 3339."""

from importlib.resources import files
from pathlib import Path
from typing import get_args

import pytest

from workers.contract.schemas import SchemaName, is_rfc3339, schema, schema_errors, validator

SCHEMAS = Path(__file__).parents[2] / "schemas"


def test_every_schema_of_the_checkout_is_packaged_under_its_name() -> None:
    assert {path.stem for path in SCHEMAS.glob("*.json")} == set(get_args(SchemaName))


@pytest.mark.parametrize("name", get_args(SchemaName))
def test_the_packaged_schema_is_the_checkouts_file(name: SchemaName) -> None:
    packaged = files("workers.contract") / "data" / f"{name}.json"
    assert packaged.read_bytes() == (SCHEMAS / f"{name}.json").read_bytes()
    assert schema(name)["$id"] == f"https://khabar.dev/schemas/{name}.json"


@pytest.mark.parametrize("name", get_args(SchemaName))
def test_every_schema_is_a_valid_2020_12_schema(name: SchemaName) -> None:
    assert validator(name).schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_violations_name_the_path_and_the_problem_in_path_order() -> None:
    errors = schema_errors("article.raw.v1", {"id": "", "body": 7, "published_at": "yesterday"})
    assert errors == [
        "body: 7 is not of type 'string'",
        "id: '' should be non-empty",
        "published_at: 'yesterday' is not a 'date-time'",
    ]


def test_a_violation_of_the_whole_record_says_so() -> None:
    assert schema_errors("article.raw.v1", []) == ["(record): [] is not of type 'object'"]


def test_a_conforming_record_has_no_errors() -> None:
    assert schema_errors("article.raw.v1", {"id": "a", "body": "", "published_at": "2026-11-29T08:00:00Z"}) == []


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2026-11-29T08:00:00Z", True),
        ("2026-11-29T08:00:00.123+03:00", True),
        ("2026-11-29 08:00:00z", True),
        ("2026-02-30T08:00:00Z", False),
        ("2026-11-29T08:00:00", False),
        ("2026/11/29 08:00", False),
        (1700000000, True),  # not a string: the type is the schema's business, not the format's
    ],
)
def test_rfc3339(value: object, valid: bool) -> None:
    assert is_rfc3339(value) is valid


def only_what(old: object, new: object) -> object:
    """`new` cut down to the keys and required fields `old` has, descriptions left out."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {
            key: [name for name in new[key] if name in old[key]] if key == "required" else only_what(old[key], new[key])
            for key in old
            if key in new and key not in ("description", "$id")
        }
    return new


def without_descriptions(value: object) -> object:
    if isinstance(value, dict):
        return {key: without_descriptions(item) for key, item in value.items() if key not in ("description", "$id")}
    return value


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("article.enriched.v1", "article.enriched.v1.1"),
        ("article.enriched.v1.1", "article.enriched.v1.2"),
        ("entity-mention.v1", "entity-mention.v1.1"),
    ],
)
def test_version_1_1_only_adds_to_version_1(old: SchemaName, new: SchemaName) -> None:
    """Every field of v1 is in v1.1 as v1 defines it, and still required where v1 requires it."""
    assert only_what(schema(old), schema(new)) == without_descriptions(schema(old))
