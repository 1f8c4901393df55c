"""The pipeline turns decoded raw articles into schema-valid enriched records whose offsets are exact.

Its errors are exceptions: `tests/test_routing.py` checks that they become dead letters."""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import orjson
import pytest

from workers.contract.records import RawArticle
from workers.contract.schemas import schema_errors
from workers.errors import EnrichmentTimeout
from workers.ner.normal_form import EntityNormalForm
from workers.pipeline import Enriched, Pipeline
from workers.text.language import LanguageDetector

DATA = Path(__file__).parent / "data"


class LexiconTagger:
    """Test double: tags listed words, so that expected spans are known exactly."""

    name = "lexicon"
    version = "test"
    lexicon: ClassVar[dict[str, str]] = {
        "خالد": "B-PER",
        "المحجوب": "I-PER",
        "سرت": "B-LOC",
        "لوزارة": "B-ORG",
        "الداخلية": "I-ORG",
    }

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return [self.lexicon.get(token, "O") for token in tokens]


#: Word counts in which «وزاره» is far more frequent than «لوزاره»: evidence that its «ل» is a proclitic.
COUNTS = {"وزاره": 500, "لوزاره": 20}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(LanguageDetector.load(), LexiconTagger(), normal_form=EntityNormalForm(COUNTS))


def enrich(pipeline: Pipeline, **fields: object) -> Enriched:
    return pipeline.enrich(RawArticle({"id": "a-1", **fields}))


def test_entities_index_the_published_text(pipeline: Pipeline) -> None:
    body = "<p>قال العميد خالد المحجوب&nbsp;في سرت،\r\nبحسب بيان لوزارة الداخلية.</p>"
    record = enrich(pipeline, title="اجتماع في سرت", body=body).article
    assert record["body"] == "قال العميد خالد المحجوب في سرت،\nبحسب بيان لوزارة الداخلية."
    found = [(e["field"], e["type"], e["text"]) for e in record["entities"]]
    assert found == [
        ("title", "LOC", "سرت"),
        ("body", "PER", "خالد المحجوب"),
        ("body", "LOC", "سرت"),
        ("body", "ORG", "لوزارة الداخلية"),
    ]
    for entity in record["entities"]:
        assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
    assert schema_errors("article.enriched.v1", record) == []


def test_entity_normal_form_drops_the_proclitic(pipeline: Pipeline) -> None:
    record = enrich(pipeline, body="بيان لوزارة الداخلية في سرت").article
    assert record["entities"][0]["normalized"] == "وزاره الداخليه"


def test_mentions_are_keyed_records_of_their_own(pipeline: Pipeline) -> None:
    enriched = enrich(pipeline, body="خالد المحجوب في سرت", source="feed", published_at="2026-11-29T08:00:00Z")
    assert [m["entity"]["text"] for m in enriched.mentions] == ["خالد المحجوب", "سرت"]
    for mention in enriched.mentions:
        assert schema_errors("entity-mention.v1", mention) == []
        assert mention["source"] == "feed"
    assert enriched.mentions[0]["mention_id"] == "a-1:body:0-12"


def test_arabic_is_normalized_and_counted(pipeline: Pipeline) -> None:
    record = enrich(pipeline, title="خَبَرٌ", body="مديريـــة أمن سرت اجتمعت اليوم في المدينة").article
    assert record["language"]["code"] == "ar"
    assert record["normalized"] == {"title": "خبر", "body": "مديريه امن سرت اجتمعت اليوم في المدينه"}
    assert record["tokens"] == {"title": 1, "body": 7}


def test_other_languages_pass_through_without_entities(pipeline: Pipeline) -> None:
    record = enrich(pipeline, body="Khalid al-Mahjoub met officials in Sirte on Friday.", language="en").article
    assert record["language"]["code"] == "en"
    assert record["language"]["hint"] == "en"
    assert record["entities"] == []
    assert record["normalized"]["body"] == record["body"]


def test_persian_is_not_tagged_as_arabic(pipeline: Pipeline) -> None:
    record = enrich(pipeline, body="وزیر امور خارجه ایران امروز در تهران با خبرنگاران گفتگو کرد").article
    assert record["language"]["code"] == "fa"
    assert record["entities"] == []


def test_every_odd_article_is_enriched_with_exact_offsets(pipeline: Pipeline) -> None:
    for line in (DATA / "odd_articles.jsonl").read_bytes().splitlines():
        enriched = pipeline.enrich(RawArticle(orjson.loads(line)))
        record = enriched.article
        assert schema_errors("article.enriched.v1", record) == [], record["id"]
        for entity in record["entities"]:
            assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
        assert all(schema_errors("entity-mention.v1", mention) == [] for mention in enriched.mentions)


def test_raw_fields_keep_their_place_and_the_enrichment_follows(pipeline: Pipeline) -> None:
    """A raw field that the enrichment also writes (here `tokens`) keeps its place and takes the enrichment's value."""
    record = enrich(pipeline, body="خبر", feed_rank=3, tokens="raw", title="عنوان").article
    assert list(record) == [
        *("id", "body", "feed_rank", "tokens", "title"),
        *("language", "normalized", "entities", "dedupe_key", "enrichment"),
    ]
    assert (record["feed_rank"], record["tokens"]) == (3, {"title": 1, "body": 1})


def test_a_failing_tagger_raises_out_of_enrich() -> None:
    class BrokenTagger(LexiconTagger):
        def tag(self, tokens: Sequence[str]) -> list[str]:
            raise ValueError("model exploded")

    with pytest.raises(ValueError, match="model exploded"):
        Pipeline(LanguageDetector.load(), BrokenTagger()).enrich(RawArticle({"id": "x", "body": "في سرت"}))


def test_an_entity_type_outside_the_schemas_is_an_error_not_a_record() -> None:
    class OtherTypesTagger(LexiconTagger):
        lexicon: ClassVar[dict[str, str]] = {"سرت": "B-GPE"}

    with pytest.raises(ValueError, match="'GPE'"):
        Pipeline(LanguageDetector.load(), OtherTypesTagger()).enrich(RawArticle({"id": "x", "body": "في سرت"}))


def test_dedupe_key_is_stable_for_the_same_content_and_changes_with_it(pipeline: Pipeline) -> None:
    first = enrich(pipeline, body="خبر عاجل", title="عنوان").article["dedupe_key"]
    again = enrich(pipeline, title="عنوان", body="خبر عاجل").article["dedupe_key"]
    edited = enrich(pipeline, body="خبر عاجل جدا", title="عنوان").article["dedupe_key"]
    assert first == again != edited
    assert first.startswith("a-1:")


def test_an_article_over_the_time_limit_stops_between_sentences() -> None:
    class SlowTagger(LexiconTagger):
        def tag(self, tokens: Sequence[str]) -> list[str]:
            time.sleep(0.02)
            return super().tag(tokens)

    slow = Pipeline(LanguageDetector.load(), SlowTagger(), time_limit=0.05)
    body = "\n".join(["خبر عن سرت اليوم"] * 20)
    with pytest.raises(EnrichmentTimeout, match=r"longer than the limit of 0\.05 s"):
        slow.enrich(RawArticle({"id": "slow", "body": body}))


def test_a_tagger_with_batches_gets_whole_articles_and_the_same_entities(pipeline: Pipeline) -> None:
    class BatchLexiconTagger(LexiconTagger):
        batches: ClassVar[list[int]] = []

        def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
            self.batches.append(len(sentences))
            return [self.tag(sentence) for sentence in sentences]

    batched = Pipeline(LanguageDetector.load(), BatchLexiconTagger())
    body = "قال خالد المحجوب في سرت.\nبيان لوزارة الداخلية. سرت؟ خالد"
    expected = enrich(pipeline, body=body).article
    assert enrich(batched, body=body).article["entities"] == expected["entities"]
    assert BatchLexiconTagger.batches == [4]
