"""The stories topic's records fed to the index by the follower; the decider built from the settings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stories.articles import ENTITIES, ORIGINAL, ORIGINAL_TITLE, body
from workers.settings import Settings
from workers.stories.entry import Entry
from workers.stories.minhash import article_signature
from workers.stories.records import to_record
from workers.stream.stories import StoryRecords, story_decider


def record(article_id: str = "a", time: float = 1000.0) -> dict[str, Any]:
    sig, count = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    return dict(to_record(Entry(article_id, time, sig, count, ENTITIES, article_id)))


def test_the_decider_takes_the_threshold_horizon_and_bound_of_the_settings() -> None:
    settings = Settings.from_env(
        {"KHABAR_DUPLICATE_THRESHOLD": "0.5", "KHABAR_STORY_HORIZON": "600", "KHABAR_STORY_MAX_ENTRIES": "7"}
    )
    index = story_decider(settings).index
    assert (index.settings.duplicate_threshold, index.settings.horizon, index.settings.story_window) == (0.5, 600, 600)
    assert index.max_entries == 7


def test_records_of_the_topic_become_entries_and_the_decider_answers_with_them() -> None:
    decider = story_decider(Settings())
    records = StoryRecords(decider)
    records.apply("a", record("a"))
    records.apply("a", record("a"))  # the worker's own entry, read back
    records.apply("gone", None)  # a tombstone
    assert len(decider) == 1
    entry = decider.index.get("a")
    assert entry is not None and entry.entities == ENTITIES


@pytest.mark.parametrize(
    "value",
    [{**record(), "v": "minhash-000000000000"}, {**record(), "signature": "AAAA"}, ["not", "an", "object"], 3],
)
def test_a_record_that_cannot_be_read_is_counted_and_skipped(value: Any, caplog: pytest.LogCaptureFixture) -> None:
    decider = story_decider(Settings())
    records = StoryRecords(decider)
    records.apply("bad", value)
    records.apply("a", record("a"))
    assert (records.refused, len(decider)) == (1, 1)
    assert "story record bad ignored" in caplog.text


def test_an_entry_already_held_is_not_read_again() -> None:
    decider = story_decider(Settings())
    records = StoryRecords(decider)
    records.apply("a", record("a"))
    records.apply("a", {"not": "a story record"})  # keyed by an article held: not even read
    assert (records.refused, len(decider)) == (0, 1)
