"""The record types mirror the schemas: each TypedDict has the fields of its schema object, required
where the schema requires them, and each Literal the values of its enum; the raw article wrapper."""

from typing import Any, get_args

import pytest

from workers.contract import records
from workers.contract.records import RawArticle
from workers.contract.schemas import ENRICHED_SCHEMA, MENTION_SCHEMA, schema

RAW, ENRICHED = schema("article.raw.v1"), schema(ENRICHED_SCHEMA)
MENTION, DEAD_LETTER = schema(MENTION_SCHEMA), schema("dead-letter.v1")
PLACE = schema("place.v1")
ENRICHED_FIELDS = ENRICHED["properties"]
ENTITY = ENRICHED_FIELDS["entities"]["items"]
DISTINCT_ENTITY = ENRICHED_FIELDS["distinct_entities"]["items"]
DEAD_LETTER_ERROR = DEAD_LETTER["properties"]["error"]
TOPIC_SOURCE, FILE_SOURCE = DEAD_LETTER["properties"]["source"]["oneOf"]

TYPED_OBJECTS: list[tuple[str, Any, dict[str, Any]]] = [
    ("raw article", records.RawArticleRecord, RAW),
    ("enriched article", records.EnrichedArticle, ENRICHED),
    ("enriched language", records.DetectedLanguage, ENRICHED_FIELDS["language"]),
    ("enriched normalized", records.PerField, ENRICHED_FIELDS["normalized"]),
    ("enriched tokens", records.PerField, ENRICHED_FIELDS["tokens"]),
    ("enriched entity", records.Entity, ENTITY),
    ("distinct entity", records.DistinctEntity, DISTINCT_ENTITY),
    ("first mention", records.FirstMention, DISTINCT_ENTITY["properties"]["first_mention"]),
    ("place", records.Place, PLACE),
    ("enrichment", records.Enrichment, ENRICHED_FIELDS["enrichment"]),
    ("enrichment tagger", records.TaggerInfo, ENRICHED_FIELDS["enrichment"]["properties"]["tagger"]),
    ("entity mention", records.EntityMention, MENTION),
    ("mentioned entity", records.MentionedEntity, MENTION["properties"]["entity"]),
    ("canonical name", records.CanonicalName, MENTION["properties"]["canonical"]),
    ("dead letter", records.DeadLetter, DEAD_LETTER),
    ("dead-letter error", records.DeadLetterError, DEAD_LETTER_ERROR),
    ("dead-letter payload", records.DeadLetterPayload, DEAD_LETTER["properties"]["payload"]),
    ("topic source", records.TopicSource, TOPIC_SOURCE),
    ("file source", records.FileSource, FILE_SOURCE),
]

TYPED_ENUMS: list[tuple[str, Any, list[str]]] = [
    ("entity type", records.EntityType, ENTITY["properties"]["type"]["enum"]),
    ("mentioned entity type", records.EntityType, MENTION["properties"]["entity"]["properties"]["type"]["enum"]),
    ("entity field", records.Field, ENTITY["properties"]["field"]["enum"]),
    ("distinct entity type", records.EntityType, DISTINCT_ENTITY["properties"]["type"]["enum"]),
    (
        "place feature class",
        records.PlaceClass,
        PLACE["properties"]["feature_class"]["enum"],
    ),
    ("mention field", records.Field, MENTION["properties"]["field"]["enum"]),
    ("error kind", records.ErrorKind, DEAD_LETTER_ERROR["properties"]["kind"]["enum"]),
    (
        "payload encoding",
        records.PayloadEncoding,
        DEAD_LETTER["properties"]["payload"]["properties"]["encoding"]["enum"],
    ),
]


@pytest.mark.parametrize(("name", "typed", "schema_object"), TYPED_OBJECTS, ids=[name for name, *_ in TYPED_OBJECTS])
def test_typed_record_has_the_fields_of_its_schema_object(name: str, typed: Any, schema_object: dict[str, Any]) -> None:
    assert set(typed.__required_keys__) == set(schema_object["required"])
    assert set(typed.__required_keys__) | set(typed.__optional_keys__) == set(schema_object["properties"])


@pytest.mark.parametrize(("name", "literal", "enum"), TYPED_ENUMS, ids=[name for name, *_ in TYPED_ENUMS])
def test_typed_values_are_the_values_of_the_schema_enum(name: str, literal: Any, enum: list[str]) -> None:
    assert sorted(get_args(literal)) == sorted(enum)


def test_the_dead_letter_schema_describes_every_error_kind() -> None:
    description = DEAD_LETTER_ERROR["properties"]["kind"]["description"]
    assert [kind for kind in get_args(records.ErrorKind) if f"{kind}:" not in description] == []


@pytest.mark.parametrize(("name", "allowed"), [("PER", True), ("MISC", True), ("PERS", False), ("", False)])
def test_entity_types_are_the_schemas(name: str, allowed: bool) -> None:
    assert records.is_entity_type(name) is allowed


def test_raw_article_reads_id_title_and_body_and_keeps_every_field() -> None:
    article = RawArticle({"id": "a-1", "title": "عنوان", "body": "خبر", "feed_rank": 3})
    assert (article.id, article.title, article.body) == ("a-1", "عنوان", "خبر")
    assert article.fields["feed_rank"] == 3


def test_raw_article_without_a_title_has_none() -> None:
    assert RawArticle({"id": "a-1", "body": "خبر"}).title is None
