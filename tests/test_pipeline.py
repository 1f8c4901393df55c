"""The pipeline turns decoded raw articles into schema-valid enriched records whose offsets are exact.

Its errors are exceptions: `tests/test_routing.py` checks that they become dead letters."""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import orjson
import pytest

from workers import clients
from workers.cli.commands import load_pipeline
from workers.cli.demo import seed_articles
from workers.contract.records import Entity, FileSource, RawArticle
from workers.contract.schemas import ENRICHED_SCHEMA, schema_errors
from workers.errors import EnrichmentTimeout
from workers.ner.crf import CrfTagger
from workers.ner.normal_form import EntityNormalForm, split_proclitic
from workers.ner.resources import load_resources
from workers.pipeline import Enriched, Pipeline
from workers.routing import route
from workers.settings import Settings
from workers.text.language import LanguageDetector
from workers.text.normalize import normalize_arabic, normalize_arabic_word

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
        ("body", "ORG", "وزارة الداخلية"),
    ]
    assert record["entities"][-1]["proclitic"] == "ل"
    for entity in record["entities"]:
        assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
    assert schema_errors(ENRICHED_SCHEMA, record) == []


def test_entity_normal_form_drops_the_proclitic(pipeline: Pipeline) -> None:
    record = enrich(pipeline, body="بيان لوزارة الداخلية في سرت").article
    assert record["entities"][0]["normalized"] == "وزاره الداخليه"


def test_mentions_are_keyed_records_of_their_own(pipeline: Pipeline) -> None:
    enriched = enrich(pipeline, body="خالد المحجوب في سرت", source="feed", published_at="2026-11-29T08:00:00Z")
    assert [m["entity"]["text"] for m in enriched.mentions] == ["خالد المحجوب", "سرت"]
    for mention in enriched.mentions:
        assert schema_errors("entity-mention.v1.1", mention) == []
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
        assert schema_errors(ENRICHED_SCHEMA, record) == [], record["id"]
        for entity in record["entities"]:
            assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
        assert all(schema_errors("entity-mention.v1.1", mention) == [] for mention in enriched.mentions)


def test_raw_fields_keep_their_place_and_the_enrichment_follows(pipeline: Pipeline) -> None:
    """A raw field that the enrichment also writes (here `tokens`) keeps its place and takes the enrichment's value."""
    record = enrich(pipeline, body="خبر", feed_rank=3, tokens="raw", title="عنوان").article
    assert list(record) == [
        *("id", "body", "feed_rank", "tokens", "title"),
        *("language", "normalized", "entities", "distinct_entities", "countries", "dedupe_key", "enrichment"),
        *("duplicate_of", "story_id"),
    ]
    assert (record["duplicate_of"], record["story_id"]) == (None, None)  # the stories decide them (routing)
    assert (record["feed_rank"], record["tokens"]) == (3, {"title": 1, "body": 1})


def test_the_words_of_each_field_are_the_published_texts_tokens_title_first(pipeline: Pipeline) -> None:
    enriched = enrich(pipeline, body="قال <b>الوزير</b> نعم", title="عنوان الخبر")
    assert enriched.words == (["عنوان", "الخبر"], ["قال", "الوزير", "نعم"])
    assert enrich(pipeline, body="خبر").words == (["خبر"],)


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


class ProcliticTagger(LexiconTagger):
    """Tags whole tokens, proclitics included, as the ANERcorp-trained tagger does."""

    lexicon: ClassVar[dict[str, str]] = {
        **LexiconTagger.lexicon,
        "والزرقاء": "B-LOC",
        "وَالزَّرْقَاء": "B-LOC",
        "بالقيادة": "B-ORG",
        "العامة": "I-ORG",
        "وإدارة": "B-ORG",
        "الدعم": "I-ORG",
        "المركزي": "I-ORG",
        "لبلدية": "B-ORG",
        "سرت": "I-ORG",  # «لبلدية سرت» is one name here
        "بغداد": "B-LOC",
        "كركوك": "B-LOC",
        "وليد": "B-PER",
        "للوزارة": "B-ORG",
    }


PROCLITIC_COUNTS = {**COUNTS, "اداره": 5000, "واداره": 500, "بلديه": 600, "لبلديه": 40, "وليد": 450, "ليد": 85}


@pytest.fixture(scope="module")
def trimming() -> Pipeline:
    return Pipeline(LanguageDetector.load(), ProcliticTagger(), normal_form=EntityNormalForm(PROCLITIC_COUNTS))


def assert_drawn_exactly(record: dict[str, object] | object, entity: Entity) -> None:
    """The span indexes the published text, and the proclitic left out is written just before it."""
    text = record[entity["field"]]  # type: ignore[index]
    assert text[entity["start"] : entity["end"]] == entity["text"]
    proclitic = entity.get("proclitic", "")
    assert text[entity["start"] - len(proclitic) : entity["start"]] == proclitic


def test_entity_spans_start_after_their_proclitic(trimming: Pipeline) -> None:
    body = "وصل إلى بغداد، قال وليد في بيان لوزارة الداخلية والزرقاء بالقيادة العامة وإدارة الدعم المركزي لبلدية سرت."
    enriched = enrich(trimming, body=body)
    record = enriched.article
    found = [(e["type"], e["text"], e.get("proclitic")) for e in record["entities"]]
    assert found == [
        ("LOC", "بغداد", None),
        ("PER", "وليد", None),
        ("ORG", "وزارة الداخلية", "ل"),
        ("LOC", "الزرقاء", "و"),
        ("ORG", "القيادة العامة", "ب"),
        ("ORG", "إدارة الدعم المركزي", "و"),
        ("ORG", "بلدية سرت", "ل"),
    ]
    for entity in record["entities"]:
        assert_drawn_exactly(record, entity)
        # The span and `normalized` follow one decision: the span normalizes to the normal form.
        assert normalize_arabic(entity["text"]) == entity["normalized"]
    assert schema_errors(ENRICHED_SCHEMA, record) == []


def test_kirkuk_keeps_its_first_letter(trimming: Pipeline) -> None:
    """«ك» reads as a proclitic by spelling only: «كركوك» is a whole name, in the span as in `normalized`."""
    entity = enrich(trimming, body="وصل إلى كركوك أمس").article["entities"][0]
    assert (entity["text"], entity["start"], "proclitic" in entity) == ("كركوك", 8, False)


def test_a_diacritized_proclitic_is_left_out_with_its_diacritics(trimming: Pipeline) -> None:
    body = "زار الوفد وَالزَّرْقَاء أمس"
    record = enrich(trimming, body=body).article
    (entity,) = record["entities"]
    assert (entity["text"], entity["proclitic"], entity["normalized"]) == ("الزَّرْقَاء", "وَ", "الزرقاء")
    assert (entity["start"], entity["end"]) == (body.index("ا", 10), body.index(" أمس"))
    assert_drawn_exactly(record, entity)


def test_the_elided_article_keeps_its_lam_in_the_span(trimming: Pipeline) -> None:
    """«للوزارة» is ل + «الوزارة»: the name cannot be drawn without the second lam, so the token stays whole."""
    record = enrich(trimming, body="قدم الطلب للوزارة أمس").article
    (entity,) = record["entities"]
    assert (entity["text"], entity["normalized"], "proclitic" in entity) == ("للوزارة", "الوزاره", False)


def test_the_mention_carries_the_proclitic(trimming: Pipeline) -> None:
    enriched = enrich(trimming, body="بيان لوزارة الداخلية في بغداد", source="feed")
    ministry, baghdad = enriched.mentions
    assert (ministry["entity"]["text"], ministry["proclitic"], ministry["start"]) == ("وزارة الداخلية", "ل", 6)
    assert ministry["mention_id"] == "a-1:body:6-20"
    assert "proclitic" not in baghdad
    for mention in enriched.mentions:
        assert schema_errors("entity-mention.v1.1", mention) == []


#: The founding article's organisations that the tagger tags with their proclitic, as a reader draws them.
FOUNDING_ORGS = {
    ("وزارة الداخلية", "ل"),
    ("القيادة العامة", "ب"),
    ("بلدية سرت", "ل"),
    ("وزارة الداخلية", "ب"),
    ("إدارة الدعم المركزي", "و"),
    ("إدارة البحث الجنائي", "و"),
}


def test_reads_shipped_data_the_founding_article_draws_no_entity_with_its_proclitic() -> None:
    """Reads shipped data: the shipped pipeline (`khabar enrich`'s), its word counts, and the founding
    article of ../shared/seeds as the demo seeds it. No entity text begins with a proclitic by the
    normal form's own rule, but for the lam of «لل», which the span keeps (`workers.ner.mentions`)."""
    founding = [article for article in seed_articles() if article["id"].startswith("shared-seed-")]
    if not founding:
        pytest.skip("no ../shared/seeds beside the checkout")
    settings = Settings()
    pipeline = load_pipeline(settings)
    counts = load_resources().word_counts
    source: FileSource = {"file": "seeds", "line": 1}
    outputs = route(
        pipeline, orjson.dumps(founding[0]), source, settings.max_record_bytes, clients.output_record_limit(settings)
    )
    assert [output.kind for output in outputs][:1] == ["enriched"]
    record = orjson.loads(outputs[0].value)
    mentions = [orjson.loads(output.value) for output in outputs[1:]]
    assert schema_errors(ENRICHED_SCHEMA, record) == []
    assert all(schema_errors("entity-mention.v1.1", mention) == [] for mention in mentions)
    for entity in record["entities"]:
        assert_drawn_exactly(record, entity)
        reading = split_proclitic(normalize_arabic_word(entity["text"].split(" ")[0]), counts)
        assert reading.clitics in ("", "ل") and (reading.clitics == "") != reading.elided, entity
    drawn = {(e["text"], e.get("proclitic")) for e in record["entities"] if e["type"] == "ORG"}
    assert drawn >= FOUNDING_ORGS
    assert {(m["entity"]["text"], m.get("proclitic")) for m in mentions} >= FOUNDING_ORGS


class FootballLexiconTagger(LexiconTagger):
    lexicon: ClassVar[dict[str, str]] = {"البرازيل": "B-LOC"}


def test_arabic_that_py3langid_calls_egyptian_is_arabic_normalized_and_tagged() -> None:
    """py3langid alone labels this Modern Standard Arabic sentence `arz` (0.712; `ar` 0.200, `ary` 0.088)."""
    body = "غاب حارس مرمى منتخب البرازيل عن تمارين فريقه امس اثر خلاف مع مدرب الفريق"
    enriched = Pipeline(LanguageDetector.load(), FootballLexiconTagger()).enrich(
        RawArticle({"id": "a-2", "body": body})
    )
    record = enriched.article
    assert record["language"] == {"code": "ar", "confidence": 0.9999, "variety": "arz"}
    assert record["normalized"]["body"] == body.replace("مرمى", "مرمي")
    assert [(e["type"], e["text"]) for e in record["entities"]] == [("LOC", "البرازيل")]
    assert [m["language"] for m in enriched.mentions] == ["ar"]
    assert schema_errors(ENRICHED_SCHEMA, record) == []


def test_persian_is_published_with_its_zero_width_non_joiners(pipeline: Pipeline) -> None:
    title = "آغاز بهره\u200cبرداری از پالایشگاه"
    body = "\u200fوزیر نفت گفت بهره\u200cبرداری از این پالایشگاه از هفته آینده آغاز می\u200cشود"
    record = enrich(pipeline, title=title, body=body).article
    assert (record["title"], record["body"]) == (title, body.removeprefix("\u200f"))
    assert record["language"] == {"code": "fa", "confidence": record["language"]["confidence"]}
    assert record["normalized"] == {"title": record["title"], "body": record["body"]}
    assert record["entities"] == []
    assert schema_errors(ENRICHED_SCHEMA, record) == []


JOINERS_OUT = str.maketrans("", "", "\u200c\u200d")


def test_the_shipped_crf_tags_arabic_words_with_joiners_as_without() -> None:
    """Arabic normalization deletes ZWNJ and ZWJ, so the CRF (trained on text without them) sees the same words."""
    crf = Pipeline(LanguageDetector.load(), CrfTagger.load())
    plain = "قال العميد خالد المحجوب مدير أمن سرت إن وزارة الداخلية الليبية عقدت اجتماعا في طرابلس"
    joined = plain.replace("المحجوب", "المح\u200cجوب").replace("الداخلية", "الداخ\u200dلية").replace("سرت", "سر\u200cت")
    found = enrich(crf, body=joined).article
    assert found["body"] == joined
    assert found["normalized"]["body"] == enrich(crf, body=plain).article["normalized"]["body"]
    without = [(e["type"], e["text"], e["normalized"]) for e in enrich(crf, body=plain).article["entities"]]
    assert without
    assert [(e["type"], e["text"].translate(JOINERS_OUT), e["normalized"]) for e in found["entities"]] == without


class ClueTagger(LexiconTagger):
    """Test double: tags «خالد المحجوب» only after the title «العميد», as a sentence-level model might."""

    def tag(self, tokens: Sequence[str]) -> list[str]:
        tags = ["O"] * len(tokens)
        for i in range(1, len(tokens) - 1):
            if tokens[i - 1] == "العميد" and (tokens[i], tokens[i + 1]) == ("خالد", "المحجوب"):
                tags[i : i + 2] = ["B-PER", "I-PER"]
        return tags


def test_a_repeated_name_is_tagged_consistently_across_the_article() -> None:
    """The document pass: the name the tagger found once is a person wherever the article repeats it,
    and so is its last part alone after it (with a proclitic too)."""
    pipeline = Pipeline(LanguageDetector.load(), ClueTagger(), normal_form=EntityNormalForm(COUNTS))
    body = "قال العميد خالد المحجوب إن الوضع هادئ. وأكد خالد المحجوب أن الدوريات مستمرة. وختم المحجوب بالشكر للمحجوب."
    found = [(e["type"], e["normalized"]) for e in enrich(pipeline, body=body).article["entities"]]
    assert found == [("PER", "خالد المحجوب")] * 2 + [("PER", "المحجوب")] * 2
