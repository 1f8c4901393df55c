"""News-sized Arabic articles for the benchmark, built from ANERcorp sentences.

ANERcorp is newswire, so 20 of its consecutive sentences read like one article body (about 600
tokens). The corpus is read from ../shared at run time and nothing of it is written to the repo.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from lab.corpora import Sentence, read_anercorp
from workers.paths import shared_dir

SENTENCES_PER_ARTICLE = 20
TITLE_TOKENS = 10


def default_corpus() -> Path:
    return shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_train.txt"


def build_articles(sentences: Sequence[Sentence], count: int, first: int = 0) -> list[dict[str, Any]]:
    """`count` articles of consecutive sentences, starting at article number `first`.

    The title is the start of the article's first sentence. Past the end of the corpus the
    sentences wrap around, so large counts repeat text (the JSON reports how many are distinct).
    """
    if not sentences:
        raise ValueError("no sentences to build articles from")
    articles = []
    for number in range(first, first + count):
        start = number * SENTENCES_PER_ARTICLE
        chosen = [sentences[(start + offset) % len(sentences)] for offset in range(SENTENCES_PER_ARTICLE)]
        articles.append(
            {
                "id": f"bench-{number:06d}",
                "title": " ".join(chosen[0].tokens[:TITLE_TOKENS]),
                "body": " ".join(" ".join(sentence.tokens) for sentence in chosen),
                "source": "anercorp",
            }
        )
    return articles


def distinct_articles(sentences: Sequence[Sentence]) -> int:
    """How many articles the corpus yields before text repeats."""
    return len(sentences) // SENTENCES_PER_ARTICLE


def load_sentences(path: Path | None = None) -> list[Sentence]:
    return read_anercorp(path or default_corpus())


def encode_all(articles: Sequence[dict[str, Any]]) -> list[bytes]:
    """Articles as the JSON bytes a producer sends."""
    return [orjson.dumps(article) for article in articles]
