from __future__ import annotations

from typing import Any

from workers.stories.entities import salient_entity_keys


def entity(kind: str, normalized: str, salience: float) -> Any:
    return {"type": kind, "normalized": normalized, "salience": salience, "text": normalized}


def test_the_most_salient_entities_with_their_types() -> None:
    distinct = [
        entity("PER", "خالد المحجوب", 0.9),
        entity("LOC", "سرت", 0.6),
        entity("LOC", "سرت", 0.5),
        entity("ORG", "وزاره الداخليه", 0.1),
    ]
    assert salient_entity_keys(distinct) == ("PER:خالد المحجوب", "LOC:سرت")


def test_a_person_and_a_place_of_one_name_are_two_keys() -> None:
    assert salient_entity_keys([entity("PER", "عمان", 0.5), entity("LOC", "عمان", 0.5)]) == ("PER:عمان", "LOC:عمان")


def test_at_most_the_limit() -> None:
    distinct = [entity("PER", f"شخص {number}", 0.9) for number in range(10)]
    assert len(salient_entity_keys(distinct, limit=3)) == 3
