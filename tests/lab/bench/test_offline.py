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
    """With the clock replaced by passes of known length, every number of the result is known: three
    articles in chunks of one, full taking 3, 5 and 4 s wall (1.5, 3 and 2.5 s CPU), floor 1, 2 and 1 s
    (0.5, 0.8, 0.5 s CPU); then the last two articles again, warm, in 2 s (1 s CPU)."""
    scripted = {
        "full": iter([Timing(3.0, 1.5), Timing(5.0, 3.0), Timing(4.0, 2.5), Timing(2.0, 1.0)]),
        "floor": iter([Timing(1.0, 0.5), Timing(2.0, 0.8), Timing(1.0, 0.5)]),
    }
    passes: list[tuple[str, int]] = []

    def scripted_timed(work: Callable[[bytes], object], payloads: Sequence[bytes]) -> Timing:
        for payload in payloads:
            work(payload)
        passes.append(("floor" if work is floor_enrich else "full", len(payloads)))
        return next(scripted[passes[-1][0]])

    monkeypatch.setattr(offline, "timed", scripted_timed)
    monkeypatch.setattr(offline, "CHUNK_ARTICLES", 1)
    sentences = [Sentence(("قال", "محمد", "في", "بيروت", "."), ("O",) * 5)] * 20
    payloads = encode_all(build_articles(sentences, 4))

    result = run_offline(pipeline, payloads[:1], payloads[1:], warm_articles=2)

    assert passes == [("full", 1), ("floor", 1)] * 3 + [("full", 2)], "chunks alternate, then the warm pass"
    assert (result["articles"], result["warmup_articles"]) == (3, 1)
    # A title of one sentence and a body of 20, five tokens each.
    assert (result["tokens"], result["tokens_per_article"]) == (3 * (5 + 100), 105)
    assert result["full"] == {
        "wall_seconds": 12.0,
        "cpu_seconds": 7.0,
        "articles_per_second": 0.25,
        "tokens_per_second": 26.25,
        "articles_per_cpu_second": 3 / 7,
        "ms_per_article": 4000.0,
    }
    assert result["floor"] == {
        "wall_seconds": 4.0,
        "cpu_seconds": 1.8,
        "articles_per_second": 0.75,
        "tokens_per_second": 78.75,
        "articles_per_cpu_second": 3 / 1.8,
        "ms_per_article": 4000 / 3,
    }
    assert result["warm"]["articles_per_cpu_second"] == 2.0
    assert result["full_share_of_floor_cpu"] == pytest.approx((3 / 7) / (3 / 1.8))
    assert result["full_share_of_floor"] == pytest.approx(0.25 / 0.75)
