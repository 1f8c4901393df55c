"""An entity's normal form: its normalized tokens, with a leading proclitic removed when it is one.

News text writes «لوزارة الداخلية» and «والعراق»; the entity is «وزارة الداخلية» and «العراق». The
letters و ف ب ل ك are also ordinary first letters («بغداد», «وليد», «كركوك»), so a prefix is only
stripped when the rest is clearly a word of its own: it begins with the article, or the stripped
form is much more frequent than the whole form in a word-count table of a large corpus.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cache

from workers.text.clitics import ARTICLE, CONJUNCTIONS, MIN_STEM_LETTERS, PREPOSITIONS, proclitic_split
from workers.text.normalize import normalize_arabic_word

logger = logging.getLogger(__name__)

#: Article + at least this many letters: the article alone is evidence of a clitic before it.
MIN_ARTICLE_STEM_LETTERS = 2
# How many times more frequent the stripped form must be than the whole word to count as a clitic.
FREQUENCY_RATIO = 2.0


def _article_split(word: str, counts: Mapping[str, int] | None) -> str | None:
    """The article-initial rest of `word` after its proclitics, when that split is real.

    The article is evidence on its own («بالعراق», «للوزاره»); with counts, the rest must also be
    at least as frequent as the whole word («والده» is a word, «الده» is not).
    """
    clitics, rest = proclitic_split(word)
    if not clitics or not rest.startswith(ARTICLE) or len(rest) - len(ARTICLE) < MIN_ARTICLE_STEM_LETTERS:
        return None
    if counts is not None and counts.get(rest, 0) < counts.get(word, 0):
        return None
    return rest


def strip_proclitic(word: str, counts: Mapping[str, int] | None = None) -> str:
    """Remove leading proclitics from a normalized word when they really are proclitics.

    Before the article, see `_article_split`. Otherwise one letter is taken off at a time, and only
    when `counts` shows the rest FREQUENCY_RATIO times as often as the whole word («وزاره» against
    «لوزاره»); a conjunction may be followed by a preposition («ولبنان» -> «لبنان» -> «لبنان»,
    since «بنان» is rare). This keeps names like «بغداد», «كركوك» and «وليد» whole, and a rest that
    starts with «ال» but is not article + stem («والي» -> «الي» is another word) is never taken.
    """
    article_rest = _article_split(word, counts)
    if article_rest is not None:
        return article_rest
    first, rest = word[:1], word[1:]
    if counts is None or first not in CONJUNCTIONS + PREPOSITIONS:
        return word
    if len(rest) < MIN_STEM_LETTERS or rest.startswith(ARTICLE):
        return word
    if counts.get(rest, 0) < FREQUENCY_RATIO * max(counts.get(word, 0), 1):
        return word
    return strip_proclitic(rest, counts) if first in CONJUNCTIONS else rest


def entity_normal_form(tokens: Sequence[str], counts: Mapping[str, int] | None) -> str:
    """Normalize each token and join them by a space, stripping a proclitic from the first token.

    `counts` are corpus word counts (`strip_proclitic`); None: only the article is evidence.
    """
    normalized = [normalize_arabic_word(token) for token in tokens]
    if normalized:
        normalized[0] = strip_proclitic(normalized[0], counts)
    return " ".join(normalized)


class EntityNormalForm:
    """`entity_normal_form` over given word counts, as the pipeline calls it: `normal_form(tokens)`."""

    def __init__(self, counts: Mapping[str, int] | None) -> None:
        self._counts = counts

    def __call__(self, tokens: Sequence[str]) -> str:
        return entity_normal_form(tokens, self._counts)


def shipped_normal_form(tokens: Sequence[str]) -> str:
    """The normal form over the word counts of the shipped entity resources, read on the first call:
    the pipeline's default (without the files, proclitics are stripped only before the article)."""
    return _shipped_normal_form()(tokens)


@cache
def _shipped_normal_form() -> EntityNormalForm:
    from workers.ner.resources import load_resources

    try:
        return EntityNormalForm(load_resources().word_counts)
    except FileNotFoundError:
        logger.warning("entity resources not found: proclitics are stripped only before the article")
        return EntityNormalForm(None)
