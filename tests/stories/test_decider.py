"""An enriched article's decision from its tokens, entities and time; the lock between the two threads."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.stories.articles import ORIGINAL, ORIGINAL_TITLE, body, republished
from workers.stories.decider import CLOCK_ERROR_SECONDS, StoryDecider, event_time
from workers.stories.records import from_record, to_record
from workers.text.tokenize import split_tokens

RECEIVED = 1_796_113_800.0  # 2026-12-01T08:30:00Z


@pytest.mark.parametrize(
    ("published_at", "expected"),
    [
        ("2026-12-01T08:00:00Z", RECEIVED - 1800),
        ("2026-12-01T09:00:00+01:00", RECEIVED - 1800),  # 08:00Z
        (None, RECEIVED),
        ("not a date", RECEIVED),
        ("2027-01-01T00:00:00Z", RECEIVED),  # a month ahead of the record: a clock error
    ],
)
def test_the_event_time_is_published_at_unless_it_is_missing_or_in_the_future(
    published_at: object, expected: float
) -> None:
    assert event_time(published_at, RECEIVED) == expected


def test_a_published_at_just_ahead_of_the_record_is_believed() -> None:
    assert event_time("2026-12-01T08:34:00Z", RECEIVED) == RECEIVED + 240 < RECEIVED + CLOCK_ERROR_SECONDS


def words(title: str, text: str) -> list[list[str]]:
    return [split_tokens(title).texts, split_tokens(text).texts]


def entities(*keys: str) -> list[Any]:
    return [{"type": key.split(":")[0], "normalized": key.split(":")[1], "salience": 0.5} for key in keys]


def test_a_decision_is_remembered_once_the_article_is_published() -> None:
    decider = StoryDecider.empty(0.35, 6 * 3600.0, 100)
    first = decider.decide("a", words(ORIGINAL_TITLE, body(ORIGINAL)), entities("LOC:الجيزه"), None, RECEIVED)
    copy = decider.decide("b", words(*republished()), entities("LOC:الجيزه"), None, RECEIVED + 60)
    assert copy.duplicate_of is None, "the original was not remembered yet"
    assert decider.remember(first)
    again = decider.decide("b", words(*republished()), entities("LOC:الجيزه"), None, RECEIVED + 60)
    assert (again.duplicate_of, again.story_id, again.entities) == ("a", "a", ("LOC:الجيزه",))
    assert not decider.remember(decider.decide("c", [["عاجل"]], [], None, RECEIVED)), "too short to index"


def test_entries_applied_by_another_thread_while_this_one_decides() -> None:
    source = StoryDecider.empty(0.35, 6 * 3600.0, 1000)
    entries = [
        source.decide(f"x-{n}", [[f"كلمة{n}", "في", "نص", "طويل", f"رقم{n}", "آخر", "هنا"]], [], None, RECEIVED + n)
        for n in range(300)
    ]
    records = [to_record(entry) for entry in entries]
    decider = StoryDecider.empty(0.35, 6 * 3600.0, 1000)
    follower = threading.Thread(target=lambda: decider.apply(from_record(record) for record in records))
    follower.start()
    for n in range(50):
        decider.remember(decider.decide(f"own-{n}", words(ORIGINAL_TITLE, body(ORIGINAL)), [], None, RECEIVED + n))
    follower.join()
    assert len(decider) == 350
