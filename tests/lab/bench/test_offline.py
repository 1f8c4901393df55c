"""The offline benchmark: what full and floor do, and the numbers it makes of timed passes (not its speed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import orjson
import pytest

from lab.bench import offline
from lab.bench.articles import build_articles, encode_all
from lab.bench.offline import Timing, floor_enrich, full_enrich, run_offline, timed
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


def test_timed_runs_the_work_on_each_payload_in_order() -> None:
    seen: list[bytes] = []
    timing = timed(seen.append, [b"a", b"b", b"c"])
    assert seen == [b"a", b"b", b"c"]
    assert timing.wall_seconds >= 0 and timing.cpu_seconds >= 0


def test_result_of_scripted_passes(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the clock replaced by passes of known length, every number of the result is known: full passes
    of 3, 5 and 4 s wall (1.5, 3 and 2.5 s CPU), floor passes of 1, 2 and 1 s (0.5, 0.8, 0.5 s CPU)."""
    scripted = {
        "full": iter([Timing(3.0, 1.5), Timing(5.0, 3.0), Timing(4.0, 2.5)]),
        "floor": iter([Timing(1.0, 0.5), Timing(2.0, 0.8), Timing(1.0, 0.5)]),
    }
    passes: list[str] = []

    def scripted_timed(work: Callable[[bytes], object], payloads: Sequence[bytes]) -> Timing:
        for payload in payloads:
            work(payload)
        passes.append("floor" if work is floor_enrich else "full")
        return next(scripted[passes[-1]])

    monkeypatch.setattr(offline, "timed", scripted_timed)
    sentences = [Sentence(("قال", "محمد", "في", "بيروت", "."), ("O",) * 5)] * 20
    payloads = encode_all(build_articles(sentences, 4))

    result = run_offline(pipeline, payloads[:1], payloads[1:], repetitions=3)

    assert passes == ["full", "floor"] * 3, "the passes alternate"
    assert (result["articles"], result["repetitions"], result["warmup_articles"]) == (3, 3, 1)
    # A title of one sentence and a body of 20, five tokens each.
    assert (result["tokens"], result["tokens_per_article"]) == (3 * (5 + 100), 105)
    assert result["full"] == {
        "median_wall_seconds": 4.0,
        "median_cpu_seconds": 2.5,
        "wall_seconds": [3.0, 5.0, 4.0],
        "articles_per_second": 0.75,
        "tokens_per_second": 78.75,
        "articles_per_cpu_second": 1.2,
        "ms_per_article": pytest.approx(4000 / 3),
    }
    assert result["floor"] == {
        "median_wall_seconds": 1.0,
        "median_cpu_seconds": 0.5,
        "wall_seconds": [1.0, 2.0, 1.0],
        "articles_per_second": 3.0,
        "tokens_per_second": 315.0,
        "articles_per_cpu_second": 6.0,
        "ms_per_article": pytest.approx(1000 / 3),
    }
    assert result["full_first_pass_articles_per_second"] == 1.0
    assert (result["ratio_full_to_floor"], result["ratio_full_to_floor_cpu"]) == (4.0, 5.0)
