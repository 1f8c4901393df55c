"""The article's distinct entities as records: grouped, named, scored, placed, and its countries.

`summarize` turns the mentions the tagger found into what consumers use directly: each entity once
with its canonical form, mentions and salience (`DistinctEntity`), most salient first; each place
with its coordinates when the gazetteer resolves it; and the countries of the article.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from workers.article.entities import group_mentions
from workers.article.salience import DIGITS, salience
from workers.contract.records import DistinctEntity, EntityType, Field, Place, is_place_class
from workers.geo.gazetteer import Gazetteer
from workers.geo.resolve import Resolution, resolve_places

#: The entity types whose names are looked up in the gazetteer.
PLACE_TYPES: frozenset[EntityType] = frozenset({"LOC"})


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention the tagger found: its type, text as written, normal form and span, and the
    proclitic left out of the span ("" for none)."""

    type: EntityType
    text: str
    normalized: str
    field: Field
    start: int
    end: int
    proclitic: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    """The distinct entities (most salient first), the index among them of each mention's entity,
    and the article's countries (ISO 3166-1 alpha-2), by the summed salience of their places."""

    distinct: list[DistinctEntity]
    entity_of_mention: list[int]
    countries: list[str]


def summarize(mentions: Sequence[Mention], body_length: int, gazetteer: Gazetteer | None) -> Summary:
    """Group, name, score and place the mentions of one article (in reading order)."""
    groups = group_mentions([(mention.type, mention.normalized) for mention in mentions])
    scores = salience(groups, [(mention.field, mention.start) for mention in mentions], body_length)
    # Most salient first; between equals, the one the article names first.
    order = sorted(range(len(groups)), key=lambda index: (-scores[index], groups[index].mentions[0]))
    distinct: list[DistinctEntity] = []
    entity_of_mention = [0] * len(mentions)
    for rank, index in enumerate(order):
        group, canonical = groups[index], mentions[groups[index].canonical]
        first = mentions[group.mentions[0]]
        distinct.append(
            {
                "type": canonical.type,
                "text": canonical.text,
                "normalized": canonical.normalized,
                "mentions": list(group.mentions),
                "mention_count": len(group.mentions),
                "in_title": any(mentions[mention].field == "title" for mention in group.mentions),
                "first_mention": {"field": first.field, "start": first.start},
                "salience": scores[index],
            }
        )
        for mention in group.mentions:
            entity_of_mention[mention] = rank
    countries = _place(distinct, gazetteer) if gazetteer is not None else []
    return Summary(distinct, entity_of_mention, countries)


def _place(distinct: list[DistinctEntity], gazetteer: Gazetteer) -> list[str]:
    """Resolve the place entities of `distinct` (in place) and rank the countries they lie in."""
    places = [entity for entity in distinct if entity["type"] in PLACE_TYPES]
    resolutions = resolve_places([entity["normalized"] for entity in places], gazetteer)
    weight: defaultdict[str, float] = defaultdict(float)
    for entity, resolution in zip(places, resolutions, strict=True):
        if resolution is not None:
            entity["place"] = _place_record(resolution)
            if resolution.place.country_code:  # a continent is in no country
                weight[resolution.place.country_code] += entity["salience"]
    return [code for code, _ in sorted(weight.items(), key=lambda item: -item[1])]


def _place_record(resolution: Resolution) -> Place:
    place = resolution.place
    if not is_place_class(place.feature_class):
        raise ValueError(f"the gazetteer gave feature class {place.feature_class!r}, which the schemas do not allow")
    record: Place = {
        "geonames_id": place.geonames_id,
        "name": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "feature_class": place.feature_class,
        "confidence": round(resolution.confidence, DIGITS),
    }
    if place.country_code:
        record["country_code"] = place.country_code
    return record
