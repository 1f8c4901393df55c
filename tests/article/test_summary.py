"""The article's summary: each entity once, most salient first, its mentions pointing to it, places
resolved by the article's other places, and the countries ranked by their places' salience."""

import pytest

from workers.article.summary import Mention, summarize
from workers.contract.records import EntityType, Field
from workers.geo.gazetteer import Gazetteer, Place, format_row, shipped_gazetteer


def mention(kind: EntityType, normalized: str, start: int, field: Field = "body") -> Mention:
    return Mention(kind, normalized, normalized, field, start, start + len(normalized))


def test_each_entity_once_most_salient_first_with_its_mentions_pointing_to_it() -> None:
    mentions = [
        mention("PER", "خالد المنصوري", 0, "title"),
        mention("LOC", "سبها", 30),
        mention("PER", "خالد المنصوري", 5),
        mention("PER", "المنصوري", 200),
    ]

    summary = summarize(mentions, body_length=300, gazetteer=None)

    assert [entity["normalized"] for entity in summary.distinct] == ["خالد المنصوري", "سبها"]
    assert summary.entity_of_mention == [0, 1, 0, 0]
    person = summary.distinct[0]
    assert (person["mentions"], person["mention_count"], person["in_title"]) == ([0, 2, 3], 3, True)
    assert person["first_mention"] == {"field": "title", "start": 0}
    assert summary.countries == []  # no gazetteer, no places


def test_an_article_without_entities_has_an_empty_summary() -> None:
    summary = summarize([], body_length=100, gazetteer=shipped_gazetteer())
    assert (summary.distinct, summary.entity_of_mention, summary.countries) == ([], [], [])


def gazetteer(*places: tuple[Place, str]) -> Gazetteer:
    return Gazetteer.from_rows([format_row(place, [key]) for place, key in places])


def test_countries_are_ranked_by_the_summed_salience_of_their_places() -> None:
    towns = gazetteer(
        (Place(1, "Alpha", "LY", 31.0, 16.0, "P", 1_000_000), "الف"),
        (Place(2, "Beta", "LY", 32.0, 17.0, "P", 1_000_000), "باء"),
        (Place(3, "Gamma", "EG", 30.0, 31.0, "P", 1_000_000), "جيم"),
    )
    mentions = [mention("LOC", "جيم", 0), mention("LOC", "الف", 500), mention("LOC", "باء", 600)]

    summary = summarize(mentions, body_length=1000, gazetteer=towns)

    assert summary.distinct[0]["normalized"] == "جيم"  # the most salient place alone
    assert summary.countries == ["LY", "EG"]  # but two places in Libya weigh more
    place = dict(summary.distinct[0]["place"])
    assert 0.9 < place.pop("confidence") <= 1
    assert place == {
        "geonames_id": 3,
        "name": "Gamma",
        "country_code": "EG",
        "latitude": 30.0,
        "longitude": 31.0,
        "feature_class": "P",
    }


def test_only_places_are_looked_up_and_a_continent_is_in_no_country() -> None:
    places = gazetteer(
        (Place(6255146, "Africa", "", 7.2, 21.1, "L", 1_000_000_000), "افريقيا"),
        (Place(9, "Person Town", "LY", 31.0, 16.0, "P", 1_000_000), "خالد"),
    )

    summary = summarize([mention("LOC", "افريقيا", 0), mention("PER", "خالد", 10)], 100, places)

    africa, person = summary.distinct
    assert "country_code" not in africa["place"] and africa["place"]["feature_class"] == "L"
    assert "place" not in person
    assert summary.countries == []


@pytest.mark.parametrize(
    ("context", "country"),
    [(["ليبيا", "بنغازي"], "LY"), (["لبنان", "بيروت"], "LB")],
    ids=["an article about Libya", "an article about Lebanon"],
)
def test_tripoli_is_the_one_of_the_articles_country(context: list[str], country: str) -> None:
    mentions = [mention("LOC", "طرابلس", 0), *(mention("LOC", name, 100 + 10 * i) for i, name in enumerate(context))]

    summary = summarize(mentions, body_length=300, gazetteer=shipped_gazetteer())

    tripoli = summary.distinct[0]
    assert tripoli["normalized"] == "طرابلس" and tripoli["place"].get("country_code") == country
    assert summary.countries == [country]
