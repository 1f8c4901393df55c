"""The project's founding article (../shared/seeds) through the production pipeline: officials, towns, bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.cli.commands import load_pipeline
from workers.contract.records import RawArticle
from workers.paths import shared_dir
from workers.settings import Settings

SEEDS = sorted((shared_dir() / "seeds").glob("*.txt"))
TITLES = {"العميد", "اللواء", "العقيد", "الرائد", "المشير", "المستشار", "الوزير", "مدير"}


@pytest.fixture(scope="module")
def entities() -> dict[str, set[str]]:
    if not SEEDS:
        pytest.skip("no ../shared/seeds beside the checkout")
    title, _, body = Path(SEEDS[0]).read_text(encoding="utf-8").strip().partition("\n")
    record = load_pipeline(Settings.from_env({})).enrich(RawArticle({"id": "seed", "title": title, "body": body}))
    found: dict[str, set[str]] = {}
    for entity in record.article["entities"]:
        found.setdefault(entity["type"], set()).add(entity["normalized"])
    return found


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
