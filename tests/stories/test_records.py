from __future__ import annotations

import json
from typing import Any

import pytest

from tests.stories.articles import ENTITIES, ORIGINAL, ORIGINAL_TITLE, body
from workers.stories.entry import Entry
from workers.stories.minhash import PERMUTATIONS, SIGNATURE_VERSION, article_signature
from workers.stories.records import StoryRecordError, from_record, to_record


def entry(duplicate_of: str | None = "a") -> Entry:
    sig, count = article_signature(ORIGINAL_TITLE, body(ORIGINAL))
    return Entry("b", 1764576000.5, sig, count, ENTITIES, "a", duplicate_of)


@pytest.mark.parametrize("duplicate_of", ["a", None])
def test_an_entry_survives_json(duplicate_of: str | None) -> None:
    original = entry(duplicate_of)
    record = json.loads(json.dumps(to_record(original)))
    assert from_record(record).same_as(original)
    assert len(json.dumps(record).encode()) < 1200


def test_the_record_names_the_signature_version() -> None:
    record = to_record(entry())
    assert record["v"] == SIGNATURE_VERSION
    assert len(record["signature"]) == 4 * ((4 * PERMUTATIONS + 2) // 3)


def test_a_record_of_another_signature_version_is_refused() -> None:
    record: dict[str, Any] = dict(to_record(entry()))
    record["v"] = "minhash-000000000000"
    with pytest.raises(StoryRecordError, match="signature version"):
        from_record(record)


@pytest.mark.parametrize(
    "change",
    [
        {"signature": "not base64!"},
        {"signature": "AAAA"},
        {"time": "yesterday"},
        {"time": float("nan")},
        {"time": True},
        {"entities": "PER:x"},
        {"entities": [1]},
        {"story_id": None},
        {"duplicate_of": 3},
        {"shingles": 1.5},
    ],
)
def test_a_malformed_record_is_refused(change: dict[str, Any]) -> None:
    record: dict[str, Any] = {**to_record(entry()), **change}
    with pytest.raises(StoryRecordError):
        from_record(record)


def test_a_record_without_a_field_is_refused() -> None:
    record: dict[str, Any] = dict(to_record(entry()))
    del record["story_id"]
    with pytest.raises(StoryRecordError, match="malformed"):
        from_record(record)
