"""The shipped pipeline on articles written for these tests: the entity of the title and lead ranks
first, a person's later surname is the same person, and Tripoli is the one of the article's country."""

import pytest

from workers.cli.commands import load_pipeline
from workers.contract.records import EnrichedArticle, RawArticle
from workers.pipeline import Pipeline
from workers.settings import Settings


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline(Settings.from_env({}))


def enriched(pipeline: Pipeline, title: str, body: str) -> EnrichedArticle:
    return pipeline.enrich(RawArticle({"id": "written", "title": title, "body": body})).article


def test_the_person_of_the_title_and_the_lead_ranks_first(pipeline: Pipeline) -> None:
    article = enriched(
        pipeline,
        "وزير الخارجية أحمد الصافي يزور القاهرة",
        "وصل وزير الخارجية أحمد الصافي إلى القاهرة صباح اليوم في زيارة رسمية تستمر يومين. "
        "وسيبحث الصافي مع نظيره المصري سبل التعاون بين البلدين. "
        "وكان الصافي قد زار عمّان الشهر الماضي.",
    )

    first = article["distinct_entities"][0]
    assert (first["type"], first["text"], first["in_title"]) == ("PER", "أحمد الصافي", True)
    assert first["mention_count"] == 4  # «أحمد الصافي» twice, «الصافي» twice
    assert [article["entities"][index]["text"] for index in first["mentions"]].count("الصافي") == 2


@pytest.mark.parametrize(
    ("title", "body", "tripoli"),
    [
        (
            "اشتباكات مسلحة في طرابلس",
            "شهدت العاصمة الليبية طرابلس اشتباكات عنيفة ليلة أمس، فيما دعت الحكومة في ليبيا إلى التهدئة. "
            "وقالت مصادر في بنغازي ومصراتة إن الوضع بات تحت السيطرة.",
            (2210247, "LY"),
        ),
        (
            "افتتاح مهرجان ثقافي في طرابلس",
            "افتتح في مدينة طرابلس شمال لبنان مهرجان ثقافي بمشاركة فنانين من بيروت وصيدا. "
            "ويستمر المهرجان أسبوعا كاملا.",
            (266826, "LB"),
        ),
    ],
    ids=["in an article about Libya", "in an article about Lebanon"],
)
def test_tripoli_is_placed_in_the_country_the_article_is_about(
    pipeline: Pipeline, title: str, body: str, tripoli: tuple[int, str]
) -> None:
    article = enriched(pipeline, title, body)

    [entity] = [entity for entity in article["distinct_entities"] if entity["normalized"] == "طرابلس"]
    assert (entity["place"]["geonames_id"], entity["place"].get("country_code")) == tripoli
    assert article["countries"][0] == tripoli[1]
