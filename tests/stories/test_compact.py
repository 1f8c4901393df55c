"""The compact index answers as `StoryIndex` does, holds what its bounds allow, whatever the order of adds."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.stories.articles import ENTITIES, ORIGINAL, ORIGINAL_TITLE, UNRELATED, UNRELATED_TITLE, body, republished
from tests.stories.test_index_properties import PIECES, Article, articles
from tests.strategies import PROPERTY
from workers.stories.compact import CompactStoryIndex
from workers.stories.entry import Entry
from workers.stories.index import HORIZON, StoryIndex
from workers.stories.minhash import PERMUTATIONS, article_signature
from workers.stories.records import to_record


def records(index: CompactStoryIndex | StoryIndex) -> list[dict[str, object]]:
    return [dict(to_record(entry)) for entry in index.entries()]


@PROPERTY
@given(st.lists(articles, max_size=25), articles)
def test_the_compact_index_answers_as_the_story_index(stream: list[Article], last: Article) -> None:
    reference, compact = StoryIndex(), CompactStoryIndex(max_entries=10_000)
    time = 0.0
    for number, (pieces, gap, entities) in enumerate([*stream, last]):
        time += gap
        sig, count = article_signature(None, body([PIECES[piece] for piece in pieces]))
        expected = reference.observe(f"article-{number}", sig, time, entities, count)
        assert to_record(compact.observe(f"article-{number}", sig, time, entities, count)) == to_record(expected)
    assert records(compact) == records(reference)


def random_entry(rng: np.random.Generator, number: int, time: float) -> Entry:
    signature = rng.integers(0, 2**32, PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
    return Entry(f"e-{number}", time, signature, 100, (f"LOC:{number % 7}", f"PER:{number % 11}"), f"e-{number}")


def test_a_copy_is_found_among_thousands_of_entries() -> None:
    rng = np.random.default_rng(1)
    index = CompactStoryIndex(max_entries=5000)
    sig, count = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    index.observe("original", sig, 0.0, ENTITIES, count)
    for number in range(3000):
        index.add(random_entry(rng, number, 1.0 + number))
    assert len(index) == 3001
    copy, copy_count = article_signature(*republished())
    assert index.observe("copy", copy, 4000.0, ENTITIES, copy_count).duplicate_of == "original"


def test_past_the_maximum_the_oldest_entries_go_first() -> None:
    rng = np.random.default_rng(2)
    index = CompactStoryIndex(max_entries=100)
    entries = [random_entry(rng, number, float(number)) for number in range(150)]
    for entry in entries:
        index.add(entry)
    assert len(index) == 100
    assert [entry.article_id for entry in index.entries()] == [f"e-{n}" for n in range(50, 150)]
    index.add(random_entry(rng, 999, 10.0))  # older than all it keeps: not taken
    assert "e-999" not in index


def test_any_order_of_adds_holds_the_same_entries() -> None:
    rng = np.random.default_rng(3)
    entries = [random_entry(rng, number, float(number % 400) * 60) for number in range(600)]
    held = []
    for seed in range(3):
        index = CompactStoryIndex(max_entries=300)
        for entry in random.Random(seed).sample(entries, len(entries)):
            index.add(entry)
        held.append(records(index))
    assert held[0] == held[1] == held[2]
    assert len(held[0]) == 300


def test_an_article_decided_again_after_a_copy_named_it_stays_the_original() -> None:
    """After a crash the original's own entry may be lost while its copy's (naming it) was delivered."""
    index = CompactStoryIndex()
    sig, count = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    copy, copy_count = article_signature(*republished())
    index.add(Entry("copy", 600.0, copy, copy_count, ENTITIES, "original", "original"))
    again = index.observe("original", sig, 0.0, ENTITIES, count)
    assert (again.duplicate_of, again.story_id) == (None, "original")


def test_expired_entries_free_their_slots() -> None:
    index = CompactStoryIndex(max_entries=10)
    sig, count = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    other, other_count = article_signature(UNRELATED_TITLE, body(UNRELATED))
    for number in range(10):
        index.observe(f"a{number}", sig, float(number), ENTITIES, count)
    index.observe("late", other, 3 * HORIZON, ENTITIES, other_count)
    assert len(index) == 1
    assert index.observe("copy", sig, 3 * HORIZON + 1, ENTITIES, count).duplicate_of is None


def test_past_65535_entries_the_band_tables_take_wider_cells() -> None:
    small, large = CompactStoryIndex(max_entries=1000), CompactStoryIndex(max_entries=70_000)
    sig, count = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    copy, copy_count = article_signature(*republished())
    for index in (small, large):
        index.observe("original", sig, 0.0, ENTITIES, count)
        assert index.observe("copy", copy, 60.0, ENTITIES, copy_count).duplicate_of == "original"
        assert index.memory_bytes() > 0
    assert (small._table.dtype, large._table.dtype) == (np.uint16, np.uint32)
