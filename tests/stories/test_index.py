from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tests.stories.articles import ENTITIES, ORIGINAL, ORIGINAL_TITLE, UNRELATED, UNRELATED_TITLE, body, republished
from workers.stories.entry import Entry
from workers.stories.index import DUPLICATE_THRESHOLD, HORIZON, StoryIndex, StorySettings
from workers.stories.minhash import Signature, article_signature
from workers.stories.records import from_record, to_record


def signed(title: str | None, text: str) -> tuple[Signature, int]:
    return article_signature(title, text)


def observe(
    index: StoryIndex, article_id: str, title: str | None, text: str, time: float, entities: tuple[str, ...] = ENTITIES
) -> Entry:
    sig, count = signed(title, text)
    return index.observe(article_id, sig, time, entities, count)


def test_an_edited_republication_is_a_duplicate_of_the_original() -> None:
    index = StoryIndex()
    original = observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    copy = observe(index, "b", *republished(), 600.0)
    assert original.duplicate_of is None
    assert original.story_id == "a"
    assert copy.duplicate_of == "a"
    assert copy.story_id == "a"


def test_an_unrelated_article_about_the_same_entities_is_no_duplicate_and_another_story() -> None:
    index = StoryIndex()
    observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    other = observe(index, "c", UNRELATED_TITLE, body(UNRELATED), 600.0)
    assert other.duplicate_of is None
    assert other.story_id == "c"


def test_a_follow_up_with_some_of_the_text_and_the_entities_joins_the_story() -> None:
    index = StoryIndex()
    observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    follow_up = observe(index, "f", UNRELATED_TITLE, body(UNRELATED + ORIGINAL[1:3]), 3600.0)
    assert follow_up.duplicate_of is None
    assert follow_up.story_id == "a"
    # Without the shared entities the same text is too little for a story.
    alone = StoryIndex(replace(StorySettings(), story_threshold=0.3))
    observe(alone, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0, entities=())
    assert observe(alone, "f", UNRELATED_TITLE, body(UNRELATED + ORIGINAL[1:3]), 3600.0, entities=()).story_id == "f"


def test_the_earliest_match_wins_then_the_id() -> None:
    """Two articles that each match the new one but not each other (a start and an end of the original)."""
    start, end = body(ORIGINAL[:5]), body(ORIGINAL[3:])
    index = StoryIndex()
    observe(index, "end-later", ORIGINAL_TITLE, end, 100.0)
    observe(index, "start-earlier", ORIGINAL_TITLE, start, 50.0)  # arrives after, published before
    assert index.get("start-earlier").duplicate_of is None  # type: ignore[union-attr]
    assert observe(index, "copy", ORIGINAL_TITLE, body(ORIGINAL), 200.0).duplicate_of == "start-earlier"
    tied = StoryIndex()
    observe(tied, "z", ORIGINAL_TITLE, start, 50.0)
    observe(tied, "a", ORIGINAL_TITLE, end, 50.0)
    assert observe(tied, "copy", ORIGINAL_TITLE, body(ORIGINAL), 200.0).duplicate_of == "a"


def test_a_republication_of_a_republication_names_the_first_original() -> None:
    index = StoryIndex()
    observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    observe(index, "b", ORIGINAL_TITLE, body(ORIGINAL[:6]), 60.0)
    # Similar to b, less so to a.
    strict = StoryIndex(replace(StorySettings(), duplicate_threshold=0.7))
    for entry in index.entries():
        strict.add(entry)
    third = observe(strict, "c", ORIGINAL_TITLE, body(ORIGINAL[:5]), 120.0)  # 5/6 of b, 5/8 of a
    assert third.duplicate_of == "a"
    assert third.story_id == "a"


def test_entries_expire_past_the_horizon() -> None:
    index = StoryIndex()
    observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    observe(index, "c", UNRELATED_TITLE, body(UNRELATED), HORIZON + 1.0)
    assert "a" not in index
    assert len(index) == 1
    late_copy = observe(index, "b", *republished(), HORIZON + 2.0)
    assert late_copy.duplicate_of is None
    assert late_copy.story_id == "b"


def test_an_entry_older_than_the_horizon_is_not_kept() -> None:
    index = StoryIndex()
    observe(index, "new", UNRELATED_TITLE, body(UNRELATED), 2 * HORIZON)
    observe(index, "old", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    assert "old" not in index


def test_a_redelivered_article_gets_its_first_answer() -> None:
    index = StoryIndex()
    observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    first = observe(index, "b", *republished(), 600.0)
    again = observe(index, "b", *republished(), 900.0)
    assert again is first
    assert len(index) == 2


def test_an_article_of_a_few_words_is_neither_matched_nor_indexed() -> None:
    index = StoryIndex()
    observe(index, "a", None, "عاجل", 0.0)
    short = observe(index, "b", None, "عاجل", 1.0)
    assert short.duplicate_of is None
    assert len(index) == 0


def test_the_same_records_in_the_same_order_give_the_same_index() -> None:
    """Two workers that follow the same topic: the entries one decided, read as records by another."""
    index = StoryIndex()
    for number, (title, text) in enumerate(
        [(ORIGINAL_TITLE, body(ORIGINAL)), republished(), (UNRELATED_TITLE, body(UNRELATED))] * 3
    ):
        observe(index, f"article-{number}", title, text, 3000.0 * number)
    records = [to_record(entry) for entry in index.entries()]
    first, second = StoryIndex(), StoryIndex()
    for record in records:
        first.add(from_record(record))
        second.add(from_record(record))
    assert [to_record(entry) for entry in first.entries()] == [to_record(entry) for entry in second.entries()]
    assert [to_record(entry) for entry in first.entries()] == records
    assert all(a.same_as(b) for a, b in zip(first.entries(), index.entries(), strict=True))
    # And they answer a new article alike, as the worker that decided would.
    sig, count = signed(*republished())
    answers = [to_record(each.decide("new", sig, 3000.0 * 9, ENTITIES, count)) for each in (index, first, second)]
    assert answers[0] == answers[1] == answers[2]
    # The earliest copy within the horizon is article-3 (article-0 has expired), a duplicate of article-0.
    assert answers[0]["duplicate_of"] == "article-0"
    assert "article-0" not in first


def test_a_story_id_outlives_the_stories_first_article() -> None:
    index = StoryIndex()
    observe(index, "a", ORIGINAL_TITLE, body(ORIGINAL), 0.0)
    observe(index, "b", *republished(), HORIZON - 10.0)
    later = observe(index, "c", *republished(), HORIZON + 100.0)  # a has expired, b has not
    assert "a" not in index
    assert later.duplicate_of == "a"
    assert later.story_id == "a"


@pytest.mark.parametrize(
    "settings",
    [
        {"duplicate_threshold": 0.2, "story_threshold": 0.3},
        {"entity_story_threshold": 0.0},
        {"duplicate_threshold": 1.5},
        {"story_window": 2 * HORIZON},
        {"horizon": 0.0},
    ],
)
def test_inconsistent_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        StorySettings(**settings)


def test_the_default_threshold_is_between_the_stories_thresholds() -> None:
    defaults = StorySettings()
    assert defaults.entity_story_threshold <= defaults.story_threshold <= DUPLICATE_THRESHOLD


def test_an_index_holds_no_keys_of_expired_entries() -> None:
    index = StoryIndex()
    for number in range(5):
        observe(index, f"a{number}", ORIGINAL_TITLE, body(ORIGINAL), float(number))
    observe(index, "c", UNRELATED_TITLE, body(UNRELATED), 10 * HORIZON)
    assert len(index) == 1
    assert index.referenced() == {"c"}
    entry = index.get("c")
    assert entry is not None
    assert np.array_equal(entry.signature, signed(UNRELATED_TITLE, body(UNRELATED))[0])
