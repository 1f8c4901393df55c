"""The demo's rendering: the article's countries, then each distinct entity once, most salient first,
with how often it is named and, for a place, where it is; every place on the map is shown."""

from typing import Any

from workers.cli import demo
from workers.cli.demo import render

SIRTE = {"geonames_id": 2210554, "name": "Sirte", "country_code": "LY", "latitude": 31.2089, "longitude": 16.5887}


def article(**fields: Any) -> dict[str, Any]:
    return {
        "id": "a-1",
        "title": "اجتماع أمني في سرت",
        "body": "…",
        "language": {"code": "ar", "confidence": 0.97},
        "tokens": {"body": 40},
        "enrichment": {"duration_ms": 3.2},
        "countries": [],
        "distinct_entities": [],
        **fields,
    }


def distinct(kind: str, text: str, salience: float, count: int = 1, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "text": text, "salience": salience, "mention_count": count, **fields}


def test_render_lists_each_entity_once_by_salience_with_places_on_the_map() -> None:
    lines = render(
        article(
            countries=["LY"],
            distinct_entities=[
                distinct("LOC", "سرت", 0.89, 4, place={**SIRTE, "feature_class": "P", "confidence": 1.0}),
                distinct("PER", "خالد المحجوب", 0.37, 2),
                distinct("ORG", "وزارة الداخلية", 0.2),
            ],
        )
    ).splitlines()

    assert lines[1] == "━━ a-1  ·  ar (0.97)  ·  40 tokens  ·  3.2 ms"
    assert lines[3:] == [
        "   countries: LY",
        "   0.89  LOC  سرت ×4  → Sirte, LY (31.21°, 16.59°)",
        "   0.37  PER  خالد المحجوب ×2",
        "   0.20  ORG  وزارة الداخلية",
    ]


def test_a_long_list_is_cut_and_says_how_many_more_but_every_place_on_the_map_is_shown() -> None:
    many = [distinct("PER", f"شخص {n}", 0.5) for n in range(demo.SHOWN_ENTITIES + 3)]
    sirte = distinct("LOC", "سرت", 0.1, place={**SIRTE, "feature_class": "P", "confidence": 1.0})

    lines = render(article(distinct_entities=[*many, sirte])).splitlines()

    assert lines[-2:] == ["   0.10  LOC  سرت  → Sirte, LY (31.21°, 16.59°)", "   … and 3 more"]


def test_render_says_why_an_article_has_no_entities() -> None:
    english = article(id="en-1", title="Storm closes ports", language={"code": "en", "confidence": 1.0})
    assert render(english).splitlines()[-1] == "   (no entities: no tagger for this language)"
