"""The records Khabar reads and writes, as types: one `TypedDict` per object of the JSON Schemas in `schemas/`.

At run time every record is a plain dict; the types let mypy check the code that builds records
against the fields each schema declares. A raw article may carry fields the schema does not list
(they are kept and passed through to the enriched record): those are not typed.

No `from __future__ import annotations` here: Python 3.11 finds `NotRequired` only in evaluated
annotations, and the tests compare these types' required and optional keys with the schemas.
"""

from dataclasses import dataclass
from typing import Generic, Literal, NotRequired, TypedDict, TypeGuard, TypeVar, get_args

T = TypeVar("T")

#: Why an input was dead-lettered; `dead-letter.v1.json` describes each kind.
ErrorKind = Literal[
    "too_large",
    "output_too_large",
    "not_utf8",
    "not_json",
    "not_object",
    "schema",
    "enrichment_failed",
    "enrichment_timeout",
]
EntityType = Literal["PER", "LOC", "ORG", "MISC"]
#: The text fields that are cleaned, normalized, counted and tagged.
Field = Literal["title", "body"]
PayloadEncoding = Literal["utf-8", "base64"]
#: GeoNames feature classes of the gazetteer's places: country, continent, populated place.
PlaceClass = Literal["A", "L", "P"]

ENTITY_TYPES: frozenset[str] = frozenset(get_args(EntityType))


def is_entity_type(name: str) -> TypeGuard[EntityType]:
    """True for an entity type the schemas allow."""
    return name in ENTITY_TYPES


def is_place_class(name: str) -> TypeGuard[PlaceClass]:
    """True for a feature class the place schema allows."""
    return name in get_args(PlaceClass)


# --- article.raw.v1 ------------------------------------------------------------------------------


class ArticleFields(TypedDict):
    """The fields an article keeps from raw to enriched (title and body cleaned on the way)."""

    id: str
    body: str
    title: NotRequired[str]
    url: NotRequired[str]
    source: NotRequired[str]
    published_at: NotRequired[str]


class RawArticleRecord(ArticleFields):
    """A raw article's declared fields (article.raw.v1); `language` is the producer's hint."""

    language: NotRequired[str]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """A raw article that passed the schema; `fields` holds every field as received."""

    fields: RawArticleRecord

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


# --- article.enriched.v1.2 ----------------------------------------------------------------------


class DetectedLanguage(TypedDict):
    code: str
    confidence: float
    variety: NotRequired[str]
    hint: NotRequired[str]


class PerField(TypedDict, Generic[T]):
    """One value per text field: `normalized` (texts) and `tokens` (counts)."""

    title: NotRequired[T]
    body: T


class Entity(TypedDict):
    """An entity of the enriched record: `record[field][start:end] == text`; a proclitic taken off the
    span is just before it: `record[field][start - len(proclitic):start] == proclitic`."""

    type: EntityType
    text: str
    start: int
    end: int
    field: Field
    normalized: str
    distinct: int
    proclitic: NotRequired[str]


class FirstMention(TypedDict):
    field: Field
    start: int


class Place(TypedDict):
    """Where a place entity is, as resolved against the gazetteer (place.v1)."""

    geonames_id: int
    name: str
    country_code: NotRequired[str]
    latitude: float
    longitude: float
    feature_class: PlaceClass
    confidence: float


class DistinctEntity(TypedDict):
    """One entity of an article with all its mentions, named by its fullest form (article.enriched.v1.1)."""

    type: EntityType
    text: str
    normalized: str
    mentions: list[int]
    mention_count: int
    in_title: bool
    first_mention: FirstMention
    salience: float
    place: NotRequired[Place]


class TaggerInfo(TypedDict):
    name: str
    version: str


class Enrichment(TypedDict):
    """How and when the record was enriched."""

    pipeline_version: str
    language_model: str
    tagger: TaggerInfo
    duration_ms: float
    enriched_at: str


class EnrichedArticle(ArticleFields):
    """The enriched article (article.enriched.v1.2): the raw article's fields, with title and body cleaned;
    `duplicate_of` and `story_id` are None until the stories decide them (`workers.stories`)."""

    dedupe_key: str
    language: DetectedLanguage
    normalized: PerField[str]
    tokens: PerField[int]
    entities: list[Entity]
    distinct_entities: list[DistinctEntity]
    countries: list[str]
    enrichment: Enrichment
    duplicate_of: str | None
    story_id: str | None


# --- entity-mention.v1.1 ------------------------------------------------------------------------


class MentionedEntity(TypedDict):
    type: EntityType
    text: str
    normalized: str


class CanonicalName(TypedDict):
    text: str
    normalized: str


class EntityMention(TypedDict):
    """One mention of an entity in one article (entity-mention.v1.1)."""

    mention_id: str
    article_id: str
    entity: MentionedEntity
    canonical: CanonicalName
    salience: float
    place: NotRequired[Place]
    field: Field
    start: int
    end: int
    proclitic: NotRequired[str]
    language: str
    source: NotRequired[str]
    url: NotRequired[str]
    published_at: NotRequired[str]


# --- dead-letter.v1 ------------------------------------------------------------------------------


class DeadLetterError(TypedDict):
    kind: ErrorKind
    message: str
    traceback: NotRequired[str]


class TopicSource(TypedDict):
    """The input was a Kafka record."""

    topic: str
    partition: int
    offset: int
    key: NotRequired[str | None]


class FileSource(TypedDict):
    """The input was a line of a file (1-based)."""

    file: str
    line: int


Source = TopicSource | FileSource


class DeadLetterPayload(TypedDict):
    encoding: PayloadEncoding
    data: str
    size: int
    truncated: bool


class DeadLetter(TypedDict):
    """An input that could not be enriched, with the reason and the original payload (dead-letter.v1)."""

    error: DeadLetterError
    source: Source
    payload: DeadLetterPayload
    article_id: NotRequired[str]
    failed_at: str
    pipeline_version: str


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why an input cannot be enriched: a stable `kind` and a message for people."""

    kind: ErrorKind
    message: str
    article_id: str | None = None
    traceback: str | None = None
