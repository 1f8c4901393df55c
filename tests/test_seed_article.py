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


def test_named_officials_are_persons_without_their_titles(entities: dict[str, set[str]]) -> None:
    officials = {"خالد المحجوب", "طارق الخراز", "ابراهيم بوشناف", "ميمي الطرشناني", "ايهاب الكزه", "باسط بوغريس"}
    assert officials <= entities["PER"]
    assert not any(set(name.split()) & TITLES for name in entities["PER"])


def test_the_town_is_a_place(entities: dict[str, set[str]]) -> None:
    assert "سرت" in entities["LOC"]


def test_ministries_and_directorates_are_organisations(entities: dict[str, set[str]]) -> None:
    assert {"وزاره الداخليه", "مديريه امن سرت", "اداره التوجيه المعنوي", "اداره البحث الجنائي"} <= entities["ORG"]
