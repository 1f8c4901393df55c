"""The trends job's glue without a broker: what it reads of a mention record, its metrics, its topics."""

from __future__ import annotations

import orjson
import pytest
from prometheus_client import generate_latest

from workers.settings import Settings
from workers.stream.trends import TrendsMetrics, decode_mention, trends_topics
from workers.trends.counts import Mention
from workers.trends.windows import parse_time_ms

RECORD = {
    "mention_id": "a-1:body:11-23",
    "article_id": "a-1",
    "entity": {"type": "PER", "text": "المحجوب", "normalized": "المحجوب"},
    "canonical": {"text": "خالد المحجوب", "normalized": "خالد المحجوب"},
    "salience": 0.52,
    "field": "body",
    "start": 11,
    "end": 23,
    "language": "ar",
    "source": "alwasat",
    "published_at": "2026-11-30T10:04:00Z",
}
TIMESTAMP = (parse_time_ms("2026-11-30T10:06:00Z") or 0) + 1


def test_a_mention_is_counted_under_its_canonical_form_at_its_published_time() -> None:
    assert decode_mention(orjson.dumps(RECORD), TIMESTAMP) == Mention(
        "a-1:body:11-23", "a-1", "PER", "خالد المحجوب", "خالد المحجوب", "alwasat", parse_time_ms("2026-11-30T10:04:00Z")
    )


def test_without_published_at_or_source_the_record_timestamp_and_no_source() -> None:
    record = {key: value for key, value in RECORD.items() if key not in ("published_at", "source")}
    mention = decode_mention(orjson.dumps(record), TIMESTAMP)
    assert mention is not None and (mention.event_ms, mention.source) == (TIMESTAMP, None)


@pytest.mark.parametrize(
    "value",
    [
        b"not json",
        b"[]",
        b"",
        None,
        orjson.dumps({**RECORD, "entity": {"type": "DATE", "text": "x", "normalized": "x"}}),
        orjson.dumps({key: value for key, value in RECORD.items() if key != "mention_id"}),
        orjson.dumps({**RECORD, "canonical": "خالد"}),
        orjson.dumps({**RECORD, "source": 7}),
        orjson.dumps({**RECORD, "article_id": None}),
    ],
)
def test_a_record_without_what_the_trends_count_is_invalid(value: bytes | None) -> None:
    assert decode_mention(value, TIMESTAMP) is None


def test_every_outcome_and_window_is_exported_from_the_start() -> None:
    metrics = TrendsMetrics()
    text = generate_latest(metrics.registry).decode()
    for outcome in ("counted", "duplicate", "late", "replayed", "invalid"):
        assert f'khabar_trends_input_records_total{{outcome="{outcome}"}} 0.0' in text
    for window in ("bucket", "hour", "day"):
        assert f'khabar_trends_windows_published_total{{window="{window}"}} 0.0' in text
    metrics.counted({"counted": 3, "late": 1})
    assert metrics.line().startswith("4 mentions in: 3 counted, 0 duplicates, 1 late")


def test_the_state_topic_is_compacted_and_the_output_is_not() -> None:
    topics = trends_topics(Settings(app_id="news"))
    assert topics["news-trends-state"]["cleanup.policy"] == "compact"
    assert "cleanup.policy" not in topics["articles.entity-trends"]
