"""The salient entities of an enriched article as keys that two articles about the same people and places share."""

from __future__ import annotations

from collections.abc import Iterable

from workers.contract.records import DistinctEntity

#: Entities kept per article, most salient first (`distinct_entities` is in that order already).
SALIENT_ENTITIES = 5
#: The least salience an entity needs to count (`workers.article.salience`: title 0.40, lead 0.25, ...).
MIN_SALIENCE = 0.2


def salient_entity_keys(
    distinct: Iterable[DistinctEntity], limit: int = SALIENT_ENTITIES, min_salience: float = MIN_SALIENCE
) -> tuple[str, ...]:
    """`TYPE:normalized` of the article's most salient entities: its type too, so that a person and a
    place of the same name («عمان», «عمّان») do not count as one."""
    keys: list[str] = []
    for entity in distinct:
        key = f"{entity['type']}:{entity['normalized']}"
        if entity["salience"] >= min_salience and key not in keys:
            keys.append(key)
            if len(keys) == limit:
                break
    return tuple(keys)
