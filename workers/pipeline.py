"""Pipeline: a raw article in, the enriched article and its entity mentions out.

The same object serves the Faust agent, the `enrich` command and the benchmark. It is built once
per process (models load once) and imports nothing from Kafka. Offsets need no mapping back:
entities are built from token spans of the very text that is published.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

import workers
from workers.contract.records import RawArticle, Rejection, decode_raw, now_rfc3339
from workers.errors import EnrichmentTimeout
from workers.ner import BatchTagger, EntityTagger, tag_sentences
from workers.ner.normal_form import entity_normal_form
from workers.ner.spans import bio_spans
from workers.text.clean import clean_text
from workers.text.language import Language, LanguageDetector
from workers.text.normalize import normalize_arabic, normalize_other
from workers.text.tokenize import Tokens, sentences, split_tokens

FIELDS = ("title", "body")
#: Languages the entity tagger was trained for.
TAGGED_LANGUAGES = frozenset({"ar"})
#: Sentences are tagged in batches of about this many tokens; the time limit is checked between batches.
BATCH_TOKENS = 2_000


@dataclass(frozen=True, slots=True)
class Enriched:
    """The enriched article record and one entity-mention record per entity."""

    article: dict[str, Any]
    mentions: list[dict[str, Any]]


def dedupe_key(article: RawArticle) -> str:
    """`<id>:<hash of the raw content>`: the same for a re-delivered article, new when its content changes."""
    content = orjson.dumps(article.fields, option=orjson.OPT_SORT_KEYS)
    return f"{article.id}:{hashlib.blake2b(content, digest_size=10).hexdigest()}"


class Pipeline:
    """Clean, identify the language, tokenize, normalize and tag one article at a time."""

    def __init__(
        self,
        detector: Callable[[str], Language],
        tagger: EntityTagger,
        language_model: str = LanguageDetector.name,
        normal_form: Callable[[Sequence[str]], str] = entity_normal_form,
        time_limit: float | None = None,
    ) -> None:
        self._detect = detector
        self._time_limit = time_limit
        self._tagger = tagger
        self._batches = isinstance(tagger, BatchTagger)
        self._normal_form = normal_form
        self._provenance = {
            "pipeline_version": workers.__version__,
            "language_model": language_model,
            "tagger": {"name": tagger.name, "version": tagger.version},
        }

    @classmethod
    def load(cls, tagger: EntityTagger, time_limit: float | None = None) -> Pipeline:
        """The production pipeline around `tagger`, with the bundled language model."""
        return cls(LanguageDetector.load(), tagger, time_limit=time_limit)

    def process(self, payload: bytes, max_bytes: int) -> Enriched | Rejection:
        """Decode and enrich one input; any failure comes back as a Rejection, never an exception."""
        article = decode_raw(payload, max_bytes)
        if isinstance(article, Rejection):
            return article
        try:
            return self.enrich(article)
        except EnrichmentTimeout as error:
            return Rejection("enrichment_timeout", str(error), article_id=article.id)
        except Exception as error:  # one poison article must not stop the stream
            return Rejection(
                "enrichment_failed",
                f"{type(error).__name__}: {error}",
                article_id=article.id,
                traceback="".join(traceback.format_exception(error, limit=-8)),
            )

    def enrich(self, article: RawArticle) -> Enriched:
        """Enrich a decoded article."""
        started = time.perf_counter()
        deadline = started + self._time_limit if self._time_limit else None
        record = dict(article.fields)
        texts = {"body": clean_text(article.body)}
        if article.title is not None:
            texts["title"] = clean_text(article.title)
        record.update(texts)

        fields = [field for field in FIELDS if field in texts]
        language = self._detect("\n".join(texts[field] for field in fields))
        hint = article.fields.get("language")
        tokens = {field: split_tokens(texts[field]) for field in fields}
        if language.code in TAGGED_LANGUAGES:
            entities = self._entities({field: texts[field] for field in fields}, tokens, deadline)
            normalize = normalize_arabic
        else:
            entities, normalize = [], normalize_other

        record["language"] = {"code": language.code, "confidence": language.confidence}
        if isinstance(hint, str):
            record["language"]["hint"] = hint
        record["normalized"] = {field: normalize(texts[field]) for field in fields}
        record["tokens"] = {field: len(tokens[field].texts) for field in fields}
        record["entities"] = entities
        record["dedupe_key"] = dedupe_key(article)
        record["enrichment"] = {
            **self._provenance,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "enriched_at": now_rfc3339(),
        }
        return Enriched(record, [self._mention(record, entity) for entity in entities])

    def _entities(
        self, texts: dict[str, str], tokens: dict[str, Tokens], deadline: float | None
    ) -> list[dict[str, Any]]:
        """Entities of every field, in field order; the sentences of all fields are tagged together."""
        in_sentences = [
            (field, sentence) for field, text in texts.items() for sentence in sentences(text, tokens[field])
        ]
        words = [tokens[field].texts[sentence.start : sentence.stop] for field, sentence in in_sentences]
        entities = []
        for (field, sentence), tags in zip(in_sentences, self._tag(words, deadline), strict=True):
            if tags.count("O") == len(tags):
                continue  # no entity in this sentence
            field_tokens = tokens[field]
            for span in bio_spans(tags):
                first, stop = sentence.start + span.start, sentence.start + span.end
                start, end = field_tokens.starts[first], field_tokens.ends[stop - 1]
                entities.append(
                    {
                        "type": span.type,
                        "text": texts[field][start:end],
                        "start": start,
                        "end": end,
                        "field": field,
                        "normalized": self._normal_form(field_tokens.texts[first:stop]),
                    }
                )
        return entities

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
    def _mention(article: dict[str, Any], entity: dict[str, Any]) -> dict[str, Any]:
        mention = {
            "mention_id": f"{article['id']}:{entity['field']}:{entity['start']}-{entity['end']}",
            "article_id": article["id"],
            "entity": {key: entity[key] for key in ("type", "text", "normalized")},
            "field": entity["field"],
            "start": entity["start"],
            "end": entity["end"],
            "language": article["language"]["code"],
        }
        for key in ("source", "url", "published_at"):
            if isinstance(article.get(key), str):
                mention[key] = article[key]
        return mention
