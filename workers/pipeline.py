"""Pipeline: a decoded raw article in, the enriched article and its entity mentions out.

The same object serves the Faust agent, the `enrich` command and the benchmark, through
`workers.routing.route`, which decodes and encodes (the pipeline knows no bytes, JSON or JSON Schema).
It is built once per process (models load once) and imports nothing from Kafka. Offsets need no
mapping back: entities are built from token spans of the very text that is published.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import workers
from workers.article.summary import Mention, Summary, summarize
from workers.contract.records import (
    DetectedLanguage,
    DistinctEntity,
    EnrichedArticle,
    Entity,
    EntityMention,
    Field,
    PerField,
    RawArticle,
    TaggerInfo,
    is_entity_type,
)
from workers.contract.wire import dedupe_key, now_rfc3339
from workers.errors import EnrichmentTimeout
from workers.geo.gazetteer import Gazetteer, shipped_gazetteer
from workers.ner import BatchTagger, EntityTagger, tag_sentences
from workers.ner.document import document_tags
from workers.ner.mentions import written_proclitic
from workers.ner.normal_form import NormalForm, shipped_normal_form
from workers.ner.spans import bio_spans
from workers.text.clean import clean_text
from workers.text.language import Language, LanguageDetector
from workers.text.normalize import normalize_arabic, normalize_other
from workers.text.tokenize import Tokens, sentences, split_tokens

T = TypeVar("T")

FIELDS: tuple[Field, ...] = ("title", "body")
#: Languages the entity tagger was trained for.
TAGGED_LANGUAGES = frozenset({"ar"})
#: Sentences are tagged in batches of about this many tokens; the time limit is checked between batches.
BATCH_TOKENS = 2_000
#: The raw article's fields that each entity mention repeats, when present.
ORIGIN: tuple[Literal["source", "url", "published_at"], ...] = ("source", "url", "published_at")


@dataclass(frozen=True, slots=True)
class Enriched:
    """The enriched article record and one entity-mention record per entity; `words`, the tokens of each
    field of the published text (title first), from which the stories sign the article (`workers.stories`)."""

    article: EnrichedArticle
    mentions: list[EntityMention]
    words: tuple[Sequence[str], ...] = ()


def per_field(values: Mapping[Field, T]) -> PerField[T]:
    """`values` (with a body, perhaps a title) as a record's per-field object, title first."""
    if "title" in values:
        return {"title": values["title"], "body": values["body"]}
    return {"body": values["body"]}


class Pipeline:
    """Clean, identify the language, tokenize, normalize and tag one article at a time, then group its
    mentions into distinct entities and place them (`workers.article`)."""

    def __init__(
        self,
        detector: Callable[[str], Language],
        tagger: EntityTagger,
        language_model: str = LanguageDetector.name,
        normal_form: Callable[[Sequence[str]], NormalForm] = shipped_normal_form,
        time_limit: float | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        """`gazetteer`: where place entities are looked up; without one, places carry no coordinates."""
        self._detect = detector
        self._gazetteer = gazetteer
        self._time_limit = time_limit
        self._tagger = tagger
        self._batches = isinstance(tagger, BatchTagger)
        self._normal_form = normal_form
        self._language_model = language_model
        self._tagger_info: TaggerInfo = {"name": tagger.name, "version": tagger.version}

    @property
    def tagger(self) -> TaggerInfo:
        """The name and version of the tagger every enriched record names."""
        return self._tagger_info

    @classmethod
    def load(cls, tagger: EntityTagger, time_limit: float | None = None) -> Pipeline:
        """The production pipeline around `tagger`, with the bundled language model and gazetteer."""
        return cls(LanguageDetector.load(), tagger, time_limit=time_limit, gazetteer=shipped_gazetteer())

    def enrich(self, article: RawArticle) -> Enriched:
        """Enrich a decoded article; raises EnrichmentTimeout past the time limit."""
        started = time.perf_counter()
        deadline = started + self._time_limit if self._time_limit else None
        texts: dict[Field, str] = {"body": clean_text(article.body)}
        if article.title is not None:
            texts["title"] = clean_text(article.title)

        fields = [field for field in FIELDS if field in texts]
        language = self._detect("\n".join(texts[field] for field in fields))
        hint = article.fields.get("language")
        tokens = {field: split_tokens(texts[field]) for field in fields}
        if language.code in TAGGED_LANGUAGES:
            found = self._mentions({field: texts[field] for field in fields}, tokens, deadline)
            normalize = normalize_arabic
        else:
            found, normalize = [], normalize_other
        summary = summarize(found, len(texts["body"]), self._gazetteer)
        entities = [
            _entity(mention, distinct) for mention, distinct in zip(found, summary.entity_of_mention, strict=True)
        ]

        detected: DetectedLanguage = {"code": language.code, "confidence": language.confidence}
        if language.variety is not None:
            detected["variety"] = language.variety
        if isinstance(hint, str):
            detected["hint"] = hint
        # Every raw field is kept in its place, the enrichment's own fields follow (a raw field of the
        # same name keeps its place and takes the enrichment's value).
        record: EnrichedArticle = {
            **article.fields,
            "body": texts["body"],
            "language": detected,
            "normalized": per_field({field: normalize(texts[field]) for field in fields}),
            "tokens": per_field({field: len(tokens[field].texts) for field in fields}),
            "entities": entities,
            "distinct_entities": summary.distinct,
            "countries": summary.countries,
            "dedupe_key": dedupe_key(article),
            "enrichment": {
                "pipeline_version": workers.__version__,
                "language_model": self._language_model,
                "tagger": self._tagger_info,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "enriched_at": now_rfc3339(),
            },
            # Decided after enrichment by the stories (`workers.routing`), or left None when they are off.
            "duplicate_of": None,
            "story_id": None,
        }
        if "title" in texts:
            record["title"] = texts["title"]
        mentions = [self._mention(record, entity, summary) for entity in entities]
        return Enriched(record, mentions, tuple(tokens[field].texts for field in fields))

    def _mentions(self, texts: dict[Field, str], tokens: dict[Field, Tokens], deadline: float | None) -> list[Mention]:
        """Entity mentions of every field, in field order; the sentences of all fields are tagged together."""
        in_sentences = [
            (field, sentence) for field, text in texts.items() for sentence in sentences(text, tokens[field])
        ]
        words = [tokens[field].texts[sentence.start : sentence.stop] for field, sentence in in_sentences]
        mentions: list[Mention] = []
        # The document pass makes the tags of all the article's sentences consistent (repeats, name parts).
        article_tags = document_tags(words, list(self._tag(words, deadline)))
        for (field, sentence), tags in zip(in_sentences, article_tags, strict=True):
            if tags.count("O") == len(tags):
                continue  # no entity in this sentence
            field_tokens = tokens[field]
            for span in bio_spans(tags):
                if not is_entity_type(span.type):
                    raise ValueError(f"the tagger gave entity type {span.type!r}, which the schemas do not allow")
                first, stop = sentence.start + span.start, sentence.start + span.end
                start, end = field_tokens.starts[first], field_tokens.ends[stop - 1]
                form = self._normal_form(field_tokens.texts[first:stop])
                # The span a reader draws starts after the proclitic the normal form took off.
                proclitic = written_proclitic(texts[field][start : field_tokens.ends[first]], form.proclitic)
                start += len(proclitic)
                mentions.append(Mention(span.type, texts[field][start:end], form.text, field, start, end, proclitic))
        return mentions

    def _tag(self, sentence_words: list[list[str]], deadline: float | None) -> Iterator[list[str]]:
        """Tags per sentence, in batches of about BATCH_TOKENS tokens (one sentence at a time for a
        tagger without batches); the time limit is checked before each batch."""
        batch: list[list[str]] = []
        size = 0
        for words in sentence_words:
            batch.append(words)
            size += len(words)
            if size >= BATCH_TOKENS or not self._batches:
                yield from self._tag_batch(batch, deadline)
                batch, size = [], 0
        if batch:
            yield from self._tag_batch(batch, deadline)

    def _tag_batch(self, batch: list[list[str]], deadline: float | None) -> list[list[str]]:
        if deadline is not None and time.perf_counter() > deadline:
            raise EnrichmentTimeout(f"enrichment took longer than the limit of {self._time_limit} s")
        return tag_sentences(self._tagger, batch)

    @staticmethod
    def _mention(article: EnrichedArticle, entity: Entity, summary: Summary) -> EntityMention:
        distinct: DistinctEntity = summary.distinct[entity["distinct"]]
        mention: EntityMention = {
            "mention_id": f"{article['id']}:{entity['field']}:{entity['start']}-{entity['end']}",
            "article_id": article["id"],
            "entity": {"type": entity["type"], "text": entity["text"], "normalized": entity["normalized"]},
            "canonical": {"text": distinct["text"], "normalized": distinct["normalized"]},
            "salience": distinct["salience"],
            "field": entity["field"],
            "start": entity["start"],
            "end": entity["end"],
            "language": article["language"]["code"],
        }
        if "proclitic" in entity:
            mention["proclitic"] = entity["proclitic"]
        if "place" in distinct:
            mention["place"] = distinct["place"]
        for key in ORIGIN:
            value = article.get(key)
            if isinstance(value, str):
                mention[key] = value
        return mention


def _entity(mention: Mention, distinct: int) -> Entity:
    """The enriched record's entry for one mention, with the index of its distinct entity."""
    entity: Entity = {
        "type": mention.type,
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "field": mention.field,
        "normalized": mention.normalized,
        "distinct": distinct,
    }
    if mention.proclitic:
        entity["proclitic"] = mention.proclitic
    return entity
