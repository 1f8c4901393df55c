"""News-sized Arabic articles for the benchmark, none repeated: ANERcorp stories and Wikipedia text.

ANERcorp is newswire, so 20 of its consecutive sentences read like one article body (about 600
tokens); its train split gives about 200 such articles. The rest comes from the unlabelled
Wikipedia corpus, consecutive lines gathered to the same length, so that a run of thousands of
articles never shows the tagger an article twice (its word caches then reach the steady state
of a real feed, where much of every article is new). Both corpora are read from ../shared at run
time and nothing of them is written to the repo.
"""

from __future__ import annotations

import lzma
import random
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from lab.corpora import Sentence, read_anercorp
from workers.errors import KhabarError
from workers.paths import shared_dir

SENTENCES_PER_ARTICLE = 20
TITLE_TOKENS = 10
#: About the length of an ANERcorp article, so that both kinds weigh the same.
ARTICLE_TOKENS = 600
#: The order in which the two kinds are mixed, fixed so that every run sees the same sequence.
MIX_SEED = 13


def default_corpus() -> Path:
    return shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_train.txt"


def default_wikipedia() -> Path:
    return shared_dir() / "data" / "corpus" / "arwiki_cmp.txt.xz"


def build_articles(sentences: Sequence[Sentence], count: int, first: int = 0) -> list[dict[str, Any]]:
    """`count` articles of consecutive sentences, starting at article number `first`.

    The title is the start of the article's first sentence. Past the end of the corpus the
    sentences wrap around, so large counts repeat text (`distinct_articles` says how many do not).
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


def wikipedia_articles(path: Path) -> Iterator[dict[str, Any]]:
    """Articles of consecutive corpus lines (one paragraph each), about ARTICLE_TOKENS tokens long.

    The title is the start of the first line, the body the lines after it.
    """
    lines: list[str] = []
    tokens = 0
    number = 0
    with lzma.open(path, "rt", encoding="utf-8") as corpus:
        for line in corpus:
            words = line.split()
            if not words:
                continue
            lines.append(" ".join(words))
            tokens += len(words)
            if tokens >= ARTICLE_TOKENS and len(lines) > 1:
                title = " ".join(lines[0].split()[:TITLE_TOKENS])
                yield {
                    "id": f"bench-w{number:06d}",
                    "title": title,
                    "body": "\n".join(lines[1:]),
                    "source": "wikipedia",
                }
                number += 1
                lines, tokens = [], 0


def unseen_articles(sentences: Sequence[Sentence], wikipedia: Path, count: int) -> list[dict[str, Any]]:
    """`count` different articles: every ANERcorp article, the rest from Wikipedia, in one fixed
    shuffled order (so any stretch of the sequence has about the same mix)."""
    anercorp = build_articles(sentences, min(count, distinct_articles(sentences)))
    articles = anercorp + list(islice(wikipedia_articles(wikipedia), count - len(anercorp)))
    if len(articles) < count:
        raise KhabarError(f"the corpora give {len(articles)} different articles, fewer than the {count} asked for")
    random.Random(MIX_SEED).shuffle(articles)
    return articles


def load_sentences(path: Path | None = None) -> list[Sentence]:
    return read_anercorp(path or default_corpus())


def encode_all(articles: Sequence[dict[str, Any]]) -> list[bytes]:
    """Articles as the JSON bytes a producer sends."""
    return [orjson.dumps(article) for article in articles]
