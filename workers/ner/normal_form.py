"""An entity's normal form: its normalized tokens, with a leading proclitic removed when it is one.

News text writes «لوزارة الداخلية» and «والعراق»; the entity is «وزارة الداخلية» and «العراق». The
letters و ف ب ل ك are also ordinary first letters («بغداد», «وليد», «كركوك»), so a prefix is only
stripped when the rest is clearly a word of its own: it begins with the article, or the stripped
form is much more frequent than the whole form in a word-count table of a large corpus.

`split_proclitic` is the one decision: it says what it took off (a `Reading`), so the normal form
(`entity_normal_form`) and the span a reader sees (`workers.ner.mentions`) follow the same rule.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cache
from typing import NamedTuple

from workers.text.clitics import ARTICLE, CONJUNCTIONS, MIN_STEM_LETTERS, PREPOSITIONS, Reading, proclitic_readings
from workers.text.normalize import normalize_arabic_word

logger = logging.getLogger(__name__)

#: Article + at least this many letters: the article alone is evidence of a clitic before it.
MIN_ARTICLE_STEM_LETTERS = 2
# How many times more frequent the stripped form must be than the whole word to count as a clitic.
FREQUENCY_RATIO = 2.0
#: A word that the corpus writes after the article this share of its own count (and at least
#: MIN_ARTICLE_FORM_COUNT times) begins with its stem: proclitics come before the article, never after
#: it, so «البلديه» shows that «بلديه» is a word, not ب + «لديه» (however frequent «لديه» is).
ARTICLE_FORM_SHARE = 0.1
MIN_ARTICLE_FORM_COUNT = 10


def _article_split(word: str, counts: Mapping[str, int] | None) -> Reading | None:
    """The reading of `word` as proclitics before an article-initial rest, when that split is real.

    The article is evidence on its own («بالعراق», «للوزاره»); with counts, the rest must also be
    at least as frequent as the whole word («والده» is a word, «الده» is not).
    """
    readings = proclitic_readings(word)
    if not readings:
        return None
    reading = readings[0]
    rest = reading.stem
    if not rest.startswith(ARTICLE) or len(rest) - len(ARTICLE) < MIN_ARTICLE_STEM_LETTERS:
        return None
    if counts is not None and counts.get(rest, 0) < counts.get(word, 0):
        return None
    return reading


def split_proclitic(word: str, counts: Mapping[str, int] | None = None) -> Reading:
    """The leading proclitics of a normalized word that really are proclitics, and the rest.

    Before the article, see `_article_split`. Otherwise one letter is taken off at a time, and only
    when `counts` shows the rest FREQUENCY_RATIO times as often as the whole word («وزاره» against
    «لوزاره»); a conjunction may be followed by a preposition («ولبنان» -> «لبنان» -> «لبنان»,
    since «بنان» is rare). This keeps names like «بغداد», «كركوك» and «وليد» whole, and a rest that
    starts with «ال» but is not article + stem («والي» -> «الي» is another word) is never taken. A
    word the corpus also writes with the article is taken whole (ARTICLE_FORM_SHARE): «بلديه»,
    «فيصل», «بحريه», though «لديه», «يصل», «حريه» are more frequent.

    Nothing taken: `Reading("", word)`. «للوزاره» gives `Reading("ل", "الوزاره", elided=True)`: the
    stem gets its article back, and `Reading.written` («لل») is what the word spelled.
    """
    article = _article_split(word, counts)
    if article is not None:
        return article
    whole = Reading("", word)
    first, rest = word[:1], word[1:]
    if counts is None or first not in CONJUNCTIONS + PREPOSITIONS:
        return whole
    if len(rest) < MIN_STEM_LETTERS or rest.startswith(ARTICLE):
        return whole
    whole_count = counts.get(word, 0)
    if counts.get(rest, 0) < FREQUENCY_RATIO * max(whole_count, 1):
        return whole
    article_form = counts.get(ARTICLE + word, 0)
    if article_form >= MIN_ARTICLE_FORM_COUNT and article_form >= ARTICLE_FORM_SHARE * whole_count:
        return whole
    if first in CONJUNCTIONS:
        inner = split_proclitic(rest, counts)
        return Reading(first + inner.clitics, inner.stem, inner.elided)
    return Reading(first, rest)


def strip_proclitic(word: str, counts: Mapping[str, int] | None = None) -> str:
    """A normalized word without the proclitics `split_proclitic` finds real: its stem."""
    return split_proclitic(word, counts).stem


class NormalForm(NamedTuple):
    """An entity's normal form, and what was taken off its first token to get it."""

    #: The normalized tokens joined by a space, the first without its proclitic: «وزاره الداخليه».
    text: str
    #: The reading of the first normalized token (`split_proclitic`), or None when nothing was taken off.
    proclitic: Reading | None = None


def entity_normal_form(tokens: Sequence[str], counts: Mapping[str, int] | None) -> NormalForm:
    """Normalize each token and join them by a space, stripping a proclitic from the first token.

    `counts` are corpus word counts (`split_proclitic`); None: only the article is evidence.
    """
    normalized = [normalize_arabic_word(token) for token in tokens]
    if not normalized:
        return NormalForm("")
    reading = split_proclitic(normalized[0], counts)
    normalized[0] = reading.stem
    return NormalForm(" ".join(normalized), reading if reading.clitics else None)


class EntityNormalForm:
    """`entity_normal_form` over given word counts, as the pipeline calls it: `normal_form(tokens)`."""

    def __init__(self, counts: Mapping[str, int] | None) -> None:
        self._counts = counts

    def __call__(self, tokens: Sequence[str]) -> NormalForm:
        return entity_normal_form(tokens, self._counts)


def shipped_normal_form(tokens: Sequence[str]) -> NormalForm:
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
