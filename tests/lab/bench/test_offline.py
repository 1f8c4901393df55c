"""The offline benchmark: what full and floor do, and the shape of its result (not its speed)."""

from __future__ import annotations

import orjson
import pytest

from lab.bench.articles import build_articles, encode_all
from lab.bench.offline import floor_enrich, full_enrich, run_offline
from lab.corpora import Sentence
from workers.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    from workers.ner.backends import load_tagger

    return Pipeline.load(load_tagger("crf", None))


def test_the_floor_normalizes_and_counts_tokens_and_nothing_else() -> None:
    payload = orjson.dumps({"id": "a", "title": "أخبارٌ", "body": "ذهبَ إلى المدرسة."})
    assert orjson.loads(floor_enrich(payload)) == {
        "id": "a",
        "title": "أخبارٌ",
        "body": "ذهبَ إلى المدرسة.",
        "normalized": {"title": "اخبار", "body": "ذهب الي المدرسه."},
        "tokens": {"title": 1, "body": 4},
    }


def test_the_full_path_refuses_an_article_it_would_dead_letter(pipeline: Pipeline) -> None:
    with pytest.raises(ValueError, match="not enriched"):
        full_enrich(pipeline)(b'{"id": "no body"}')


def test_result_reports_both_paths_and_their_ratio(pipeline: Pipeline) -> None:
    sentences = [Sentence(("قال", "محمد", "في", "بيروت", "."), ("O",) * 5)] * 20
    payloads = encode_all(build_articles(sentences, 4))
    result = run_offline(pipeline, payloads[:1], payloads[1:], repetitions=2)

    assert (result["articles"], result["repetitions"], result["warmup_articles"]) == (3, 2, 1)
    assert result["tokens"] == 3 * (5 + 100)
    for path in ("full", "floor"):
        assert len(result[path]["wall_seconds"]) == 2
        assert result[path]["articles_per_second"] > 0
    assert result["ratio_full_to_floor"] == pytest.approx(
        result["full"]["median_wall_seconds"] / result["floor"]["median_wall_seconds"]
    )
