"""From BIO tags to entity spans over token indices, by the conlleval rules.

An entity starts at `B-X`, or at an `I-X` that does not continue an entity of type X (so stray `I-`
tags, which ANERcorp has, still count as entities, exactly as conlleval counts them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """An entity of `type` covering tokens [start, end)."""

    type: str
    start: int
    end: int


def bio_spans(tags: Sequence[str]) -> list[EntitySpan]:
    """Group BIO tags into entity spans."""
    spans: list[EntitySpan] = []
    current_type: str | None = None
    begin = 0
    for index, tag in enumerate(tags):
        prefix, _, entity_type = tag.partition("-")
        continues = prefix == "I" and entity_type == current_type
        if current_type is not None and not continues:
            spans.append(EntitySpan(current_type, begin, index))
            current_type = None
        if prefix in ("B", "I") and not continues:
            current_type, begin = entity_type, index
    if current_type is not None:
        spans.append(EntitySpan(current_type, begin, len(tags)))
    return spans
