"""route: bytes in; the encoded enriched record and its mentions out, keyed for their topics, or one dead
letter that says why: bad input, an input over the limit, an enrichment that failed or took too long, or
an enriched record over the output limit."""

import time
from collections.abc import Sequence
from typing import Any, ClassVar

import orjson
import pytest

from workers.contract.records import FileSource
from workers.contract.schemas import ENRICHED_SCHEMA, STORY_ENTRY_SCHEMA, schema_errors
from workers.ner.normal_form import EntityNormalForm
from workers.pipeline import Pipeline
from workers.routing import Output, route
from workers.settings import MIB
from workers.stories.decider import StoryDecider
from workers.text.language import LanguageDetector

SOURCE: FileSource = {"file": "input.jsonl", "line": 7}
ARTICLE = {"id": "a-1", "title": "اجتماع في سرت", "body": "قال العميد خالد المحجوب في سرت", "source": "feed"}


class LexiconTagger:
    """Test double: tags listed words."""

    name = "lexicon"
    version = "test"
    lexicon: ClassVar[dict[str, str]] = {"خالد": "B-PER", "المحجوب": "I-PER", "سرت": "B-LOC"}

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return [self.lexicon.get(token, "O") for token in tokens]


class BrokenTagger(LexiconTagger):
    def tag(self, tokens: Sequence[str]) -> list[str]:
        raise ValueError("model exploded")


class SlowTagger(LexiconTagger):
    def tag(self, tokens: Sequence[str]) -> list[str]:
        time.sleep(0.02)
        return super().tag(tokens)


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.load()


@pytest.fixture(scope="module")
def pipeline(detector: LanguageDetector) -> Pipeline:
    return Pipeline(detector, LexiconTagger(), normal_form=EntityNormalForm({}))


def the_dead_letter(outputs: list[Output]) -> dict[str, Any]:
    """The one output, a dead letter valid against its schema, decoded."""
    assert [output.kind for output in outputs] == ["dead_letter"]
    letter: dict[str, Any] = orjson.loads(outputs[0].value)
    assert schema_errors("dead-letter.v1", letter) == []
    return letter


def test_an_article_becomes_its_enriched_record_then_one_record_per_mention(pipeline: Pipeline) -> None:
    outputs = route(pipeline, orjson.dumps(ARTICLE), SOURCE, MIB, MIB)

    assert [output.kind for output in outputs] == ["enriched", "entity", "entity", "entity"]
    enriched, *mentions = (orjson.loads(output.value) for output in outputs)
    assert schema_errors(ENRICHED_SCHEMA, enriched) == []
    assert all(schema_errors("entity-mention.v1.1", mention) == [] for mention in mentions)
    assert [mention["entity"]["text"] for mention in mentions] == ["سرت", "خالد المحجوب", "سرت"]
    assert (outputs[0].key, outputs[0].dedupe_key) == (b"a-1", enriched["dedupe_key"])
    assert [output.key for output in outputs[1:]] == [
        mention["canonical"]["normalized"].encode() for mention in mentions
    ]
    assert all(output.dedupe_key is None for output in outputs[1:])
    assert all(output.headers == () for output in outputs)


def test_an_unreadable_input_is_dead_lettered_with_its_reason_source_and_payload(pipeline: Pipeline) -> None:
    outputs = route(pipeline, b"{not json", SOURCE, MIB, MIB)

    letter = the_dead_letter(outputs)
    assert letter["error"]["kind"] == "not_json"
    assert letter["source"] == SOURCE
    assert letter["payload"] == {"encoding": "utf-8", "data": "{not json", "size": 9, "truncated": False}
    assert outputs[0].key is None  # no article id could be read
    assert dict(outputs[0].headers) == {
        "khabar.error.kind": b"not_json",
        "khabar.error.message": letter["error"]["message"].encode(),
        "khabar.source.file": b"input.jsonl",
        "khabar.source.line": b"7",
    }


def test_an_input_over_the_input_limit_is_too_large_and_kept_up_to_the_limit(pipeline: Pipeline) -> None:
    payload = orjson.dumps(ARTICLE)

    letter = the_dead_letter(route(pipeline, payload, SOURCE, len(payload) - 1, MIB))

    assert letter["error"] == {
        "kind": "too_large",
        "message": f"record is {len(payload)} bytes, the limit is {len(payload) - 1}",
    }
    assert (letter["payload"]["size"], letter["payload"]["truncated"]) == (len(payload), True)


def test_an_enriched_record_over_the_output_limit_is_output_too_large_and_keyed_by_its_article(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stopped clock: the record's duration_ms, and so its size, is the same in every run.
    monkeypatch.setattr(time, "perf_counter", lambda: 1000.0)
    payload = orjson.dumps(ARTICLE)
    enriched_size = len(route(pipeline, payload, SOURCE, MIB, MIB)[0].value)

    outputs = route(pipeline, payload, SOURCE, MIB, enriched_size - 1)

    letter = the_dead_letter(outputs)
    assert letter["error"] == {
        "kind": "output_too_large",
        "message": f"the enriched record would be {enriched_size} bytes, the output limit is {enriched_size - 1}",
    }
    assert (letter["article_id"], outputs[0].key) == ("a-1", b"a-1")
    assert letter["payload"]["data"] == payload.decode()  # the input itself, whole: it is within the input limit
    assert route(pipeline, payload, SOURCE, MIB, enriched_size)[0].kind == "enriched"  # exactly the limit fits


def test_a_failing_tagger_is_dead_lettered_with_the_error_and_its_traceback(detector: LanguageDetector) -> None:
    outputs = route(Pipeline(detector, BrokenTagger()), orjson.dumps({"id": "x", "body": "في سرت"}), SOURCE, MIB, MIB)

    letter = the_dead_letter(outputs)
    assert (letter["error"]["kind"], letter["error"]["message"]) == ("enrichment_failed", "ValueError: model exploded")
    assert "model exploded" in letter["error"]["traceback"]
    assert (letter["article_id"], outputs[0].key) == ("x", b"x")


def test_an_article_over_the_time_limit_is_dead_lettered_as_a_timeout(detector: LanguageDetector) -> None:
    slow = Pipeline(detector, SlowTagger(), time_limit=0.05)
    body = "\n".join(["خبر عن سرت اليوم"] * 20)

    letter = the_dead_letter(route(slow, orjson.dumps({"id": "slow", "body": body}), SOURCE, MIB, MIB))

    assert (letter["error"]["kind"], letter["article_id"]) == ("enrichment_timeout", "slow")
    assert "0.05 s" in letter["error"]["message"]
    assert "traceback" not in letter["error"]


STORY_BODY = " ".join(
    [
        "قال العميد خالد المحجوب في سرت اليوم إن الوحدات الأمنية انتشرت في الأحياء الجنوبية للمدينة",
        "وأضاف أن الحكومة خصصت مبلغا كبيرا لإعادة بناء المدارس والمستشفيات التي تضررت خلال الأشهر الماضية",
    ]
)


def stories() -> StoryDecider:
    return StoryDecider.empty(0.35, 6 * 3600.0, 1000)


def test_without_stories_the_two_fields_are_null_and_no_entry_goes_out(pipeline: Pipeline) -> None:
    outputs = route(pipeline, orjson.dumps(ARTICLE), SOURCE, MIB, MIB)
    enriched = orjson.loads(outputs[0].value)
    assert (enriched["duplicate_of"], enriched["story_id"]) == (None, None)
    assert "story" not in [output.kind for output in outputs]


def test_a_republication_names_its_original_and_its_entry_goes_out_last(pipeline: Pipeline) -> None:
    decider = stories()
    original = {
        "id": "o-1",
        "title": "انتشار أمني في سرت",
        "body": STORY_BODY,
        "source": "وكالة",
        "published_at": "2026-12-01T08:00:00Z",
    }
    copy = {
        "id": "c-1",
        "title": "سرت: انتشار أمني",
        "body": "سرت (رويترز) - " + STORY_BODY,
        "source": "صحيفة",
        "published_at": "2026-12-01T08:30:00Z",
    }
    first = route(pipeline, orjson.dumps(original), SOURCE, MIB, MIB, decider, received_at=0)
    second = route(pipeline, orjson.dumps(copy), SOURCE, MIB, MIB, decider, received_at=0)
    assert [output.kind for output in second][-1] == "story"
    records = [orjson.loads(outputs[0].value) for outputs in (first, second)]
    assert [(r["duplicate_of"], r["story_id"]) for r in records] == [(None, "o-1"), ("o-1", "o-1")]
    assert all(schema_errors(ENRICHED_SCHEMA, record) == [] for record in records)
    entry = orjson.loads(second[-1].value)
    assert schema_errors(STORY_ENTRY_SCHEMA, entry) == []
    assert (second[-1].key, entry["id"], entry["duplicate_of"], second[-1].duplicate) == (b"c-1", "c-1", "o-1", True)
    assert entry["time"] == 1796113800.0  # its published_at, 2026-12-01T08:30:00Z
    # Redelivered: the same answer, though the index has more since.
    again = route(pipeline, orjson.dumps(original), SOURCE, MIB, MIB, decider, received_at=0)
    assert orjson.loads(again[0].value)["duplicate_of"] is None
    assert len(decider) == 2


def test_an_article_of_a_few_words_has_its_own_story_and_no_entry(pipeline: Pipeline) -> None:
    outputs = route(pipeline, orjson.dumps({"id": "s-1", "body": "خبر"}), SOURCE, MIB, MIB, stories(), 1.0)
    enriched = orjson.loads(outputs[0].value)
    assert (enriched["duplicate_of"], enriched["story_id"]) == (None, "s-1")
    assert "story" not in [output.kind for output in outputs]


def test_a_dead_lettered_article_is_not_remembered(pipeline: Pipeline) -> None:
    decider = stories()
    outputs = route(pipeline, orjson.dumps({"id": "big", "body": STORY_BODY}), SOURCE, MIB, 100, decider, 1.0)
    assert [output.kind for output in outputs] == ["dead_letter"]
    assert len(decider) == 0
