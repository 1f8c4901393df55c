"""Benchmark articles: 20 consecutive ANERcorp sentences, or Wikipedia paragraphs of about 600 tokens; none repeated."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from lab.bench.articles import (
    ARTICLE_TOKENS,
    SENTENCES_PER_ARTICLE,
    build_articles,
    distinct_articles,
    encode_all,
    unseen_articles,
    wikipedia_articles,
)
from lab.corpora import Sentence
from tests.lab.bench.corpus import write_wikipedia
from workers.errors import KhabarError


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


def test_a_wikipedia_article_is_consecutive_paragraphs_of_about_600_tokens(tmp_path: Path) -> None:
    articles = list(wikipedia_articles(write_wikipedia(tmp_path, paragraphs=400)))
    first = articles[0]
    assert first["id"] == "bench-w000000" and first["source"] == "wikipedia"
    assert first["title"] == "الفقرة 0 من مقال عن قال محمد في بيروت إن"  # its first 10 tokens
    assert first["body"].split("\n")[0].startswith("الفقرة 1 ")
    for article in articles:
        tokens = len(article["title"].split()) + len(article["body"].split())
        assert ARTICLE_TOKENS <= tokens < ARTICLE_TOKENS + 20
    assert len({article["body"] for article in articles}) == len(articles)


def test_unseen_articles_are_all_different_and_mix_both_corpora(tmp_path: Path) -> None:
    wikipedia = write_wikipedia(tmp_path, paragraphs=1000)
    articles = unseen_articles(corpus(60), wikipedia, 8)
    assert len(articles) == 8
    assert len({article["body"] for article in articles}) == 8
    assert sorted(article["source"] for article in articles) == ["anercorp"] * 3 + ["wikipedia"] * 5
    assert unseen_articles(corpus(60), wikipedia, 8) == articles, "the same sequence in every run"


def test_asking_for_more_articles_than_the_corpora_hold_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KhabarError, match="fewer than the 100 asked for"):
        unseen_articles(corpus(60), write_wikipedia(tmp_path, paragraphs=100), 100)
