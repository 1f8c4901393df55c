"""The project's founding article (../shared/seeds) through the production pipeline: officials, towns, bodies,
each once among the article's distinct entities, and the towns on the map."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.cli.commands import load_pipeline
from workers.contract.records import DistinctEntity, EnrichedArticle, RawArticle
from workers.paths import shared_dir
from workers.settings import Settings

SEEDS = sorted((shared_dir() / "seeds").glob("*.txt"))
TITLES = {"العميد", "اللواء", "العقيد", "الرائد", "المشير", "المستشار", "الوزير", "مدير"}


@pytest.fixture(scope="module")
def article() -> EnrichedArticle:
    if not SEEDS:
        pytest.skip("no ../shared/seeds beside the checkout")
    title, _, body = Path(SEEDS[0]).read_text(encoding="utf-8").strip().partition("\n")
    return load_pipeline(Settings.from_env({})).enrich(RawArticle({"id": "seed", "title": title, "body": body})).article


@pytest.fixture(scope="module")
def entities(article: EnrichedArticle) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entity in article["entities"]:
        found.setdefault(entity["type"], set()).add(entity["normalized"])
    return found


def distinct(article: EnrichedArticle, normalized: str) -> DistinctEntity:
    """The one distinct entity of the article whose canonical normal form is `normalized`."""
    [entity] = [entity for entity in article["distinct_entities"] if entity["normalized"] == normalized]
    return entity


#: The nine officials the article names, each after a rank or a post.
OFFICIALS = {
    "المبروك المقرض", "خالد المحجوب", "باسط بوغريس", "ميمي الطرشناني", "ايهاب الكزه", "سالم عامر",
    "طارق الخراز", "خليفه حفتر", "ابراهيم بوشناف",
}  # fmt: skip


def test_the_nine_named_officials_are_persons_whole_and_without_their_titles(entities: dict[str, set[str]]) -> None:
    assert entities["PER"] >= OFFICIALS
    assert not any(set(name.split()) & TITLES for name in entities["PER"])
    assert "حفتر" not in entities["PER"]  # «المشير خليفة حفتر» whole, and its later «حفتر» is his too


def test_both_towns_are_places(entities: dict[str, set[str]]) -> None:
    assert {"سرت", "البريقه"} <= entities["LOC"]


def test_ministries_and_directorates_are_organisations(entities: dict[str, set[str]]) -> None:
    assert {"وزاره الداخليه", "مديريه امن سرت", "اداره التوجيه المعنوي", "اداره البحث الجنائي"} <= entities["ORG"]


def test_each_official_is_one_distinct_person_with_all_their_mentions(article: EnrichedArticle) -> None:
    for official in OFFICIALS:
        person = distinct(article, official)
        mentions = [article["entities"][index] for index in person["mentions"]]
        assert person["type"] == "PER" and person["mention_count"] == len(mentions)
        assert {mention["normalized"] for mention in mentions} <= set(person["normalized"].split()) | {official}
        assert all(article["distinct_entities"][mention["distinct"]] is person for mention in mentions)
    assert distinct(article, "خالد المحجوب")["mention_count"] == 2
    assert distinct(article, "طارق الخراز")["mention_count"] == 2


def test_sirte_and_brega_are_on_the_map_in_libya(article: EnrichedArticle) -> None:
    sirte, brega = distinct(article, "سرت")["place"], distinct(article, "البريقه")["place"]

    assert (sirte["geonames_id"], sirte["name"], sirte.get("country_code")) == (2210554, "Sirte", "LY")
    assert (round(sirte["latitude"], 1), round(sirte["longitude"], 1)) == (31.2, 16.6)
    assert (brega["geonames_id"], brega["name"], brega.get("country_code")) == (2215210, "Al Burayqah", "LY")


def test_the_article_is_about_libya(article: EnrichedArticle) -> None:
    assert article["countries"][0] == "LY"
    assert article["distinct_entities"][0]["normalized"] == "سرت"  # the town of the title and the lead
