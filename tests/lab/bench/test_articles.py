"""Benchmark articles: 20 consecutive corpus sentences each, wrapping around a short corpus."""

from __future__ import annotations

import orjson

from lab.bench.articles import SENTENCES_PER_ARTICLE, build_articles, distinct_articles, encode_all
from lab.corpora import Sentence


def corpus(count: int) -> list[Sentence]:
    return [Sentence((f"s{index}", "كلمة", "."), ("O", "O", "O")) for index in range(count)]


def test_an_article_is_twenty_consecutive_sentences_joined_by_spaces() -> None:
    [article] = build_articles(corpus(50), 1, first=1)
    expected = " ".join(f"s{index} كلمة ." for index in range(20, 40))
    assert article == {"id": "bench-000001", "title": "s20 كلمة .", "body": expected, "source": "anercorp"}


def test_past_the_end_of_the_corpus_sentences_wrap_around() -> None:
    sentences = corpus(30)
    articles = build_articles(sentences, 3)
    assert [article["id"] for article in articles] == ["bench-000000", "bench-000001", "bench-000002"]
    first_words = articles[1]["body"].split(" ")[::3]
    assert first_words == [f"s{index % 30}" for index in range(20, 20 + SENTENCES_PER_ARTICLE)]
    assert distinct_articles(sentences) == 1


def test_encoded_articles_are_the_json_a_producer_sends() -> None:
    articles = build_articles(corpus(20), 2)
    assert [orjson.loads(payload) for payload in encode_all(articles)] == articles
