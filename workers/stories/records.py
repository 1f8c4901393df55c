"""Index entries as small JSON-able records, for the compacted topic every worker rebuilds its index from.

About 900 bytes a record: the signature as base64 of its little-endian 32-bit values (684 characters
for 128), and `v`, the signature version, so that a worker never compares signatures computed with
other shingles, hashes or normalizer (a record of another version is refused).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping
from typing import Any, TypedDict

import numpy as np

from workers.errors import KhabarError
from workers.stories.entry import Entry
from workers.stories.minhash import PERMUTATIONS, SIGNATURE_VERSION


class StoryRecordError(KhabarError):
    """A story-index record that cannot be read: malformed, or of another signature version."""


class EntryRecord(TypedDict):
    v: str
    id: str
    time: float
    signature: str
    shingles: int
    entities: list[str]
    story_id: str
    duplicate_of: str | None


def to_record(entry: Entry) -> EntryRecord:
    """The entry as a JSON-able dict."""
    return {
        "v": SIGNATURE_VERSION,
        "id": entry.article_id,
        "time": entry.time,
        "signature": base64.b64encode(entry.signature.astype("<u4").tobytes()).decode("ascii"),
        "shingles": entry.shingles,
        "entities": list(entry.entities),
        "story_id": entry.story_id,
        "duplicate_of": entry.duplicate_of,
    }


def from_record(record: Mapping[str, Any]) -> Entry:
    """The entry of a record written by `to_record`; StoryRecordError when it is not one."""
    if record.get("v") != SIGNATURE_VERSION:
        raise StoryRecordError(
            f"story record of signature version {record.get('v')!r}, this worker has {SIGNATURE_VERSION}"
        )
    try:
        raw = base64.b64decode(record["signature"], validate=True)
        article_id, story_id, duplicate_of = record["id"], record["story_id"], record["duplicate_of"]
        time, shingles, entities = record["time"], record["shingles"], record["entities"]
    except (KeyError, TypeError, binascii.Error) as error:
        raise StoryRecordError(f"malformed story record: {error!r}") from error
    if len(raw) != 4 * PERMUTATIONS:
        raise StoryRecordError(f"story record signature of {len(raw)} bytes, expected {4 * PERMUTATIONS}")
    if not (
        isinstance(article_id, str)
        and isinstance(story_id, str)
        and (duplicate_of is None or isinstance(duplicate_of, str))
        and isinstance(time, int | float)
        and not isinstance(time, bool)
        and math.isfinite(time)
        and isinstance(shingles, int)
        and isinstance(entities, list)
        and all(isinstance(key, str) for key in entities)
    ):
        raise StoryRecordError(f"malformed story record for article {record.get('id')!r}")
    signature = np.frombuffer(raw, dtype="<u4").astype(np.uint32)
    return Entry(article_id, float(time), signature, shingles, tuple(entities), story_id, duplicate_of)
