"""An entity's normal form: its normalized tokens, with a leading proclitic removed when it is one.

News text writes «لوزارة الداخلية» and «والعراق»; the entity is «وزارة الداخلية» and «العراق». The
letters و ف ب ل ك are also ordinary first letters («بغداد», «وليد», «كركوك»), so a prefix is only
stripped when the rest is clearly a word of its own: it begins with the article, or the stripped
form is much more frequent than the whole form in a word-count table.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cache

from workers.nlp.normalize import normalize_arabic_word

logger = logging.getLogger(__name__)

ARTICLE = "ال"
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
MIN_STEM_LETTERS = 2
# How many times more frequent the stripped form must be than the whole word to count as a clitic.
FREQUENCY_RATIO = 2.0


def proclitic_split(word: str) -> tuple[str, str]:
    """Split the longest plausible proclitic sequence off a normalized word: (clitics, rest).

    Purely orthographic, and the article stays with the rest: «والعراق» -> («و», «العراق»),
    «للوزاره» -> («ل», «الوزاره»). Whether a split is real is for the caller to decide, since
    «بغداد» splits into («ب», «غداد») here too.
    """
    clitics = ""
    rest = word
    if rest[:1] in CONJUNCTIONS and len(rest) - 1 > MIN_STEM_LETTERS:
        clitics, rest = rest[0], rest[1:]
    if rest.startswith("لل") and len(rest) - 2 >= MIN_STEM_LETTERS:
        # «لل» is «ل» + «ال» with the alef of the article elided.
        return clitics + "ل", ARTICLE + rest[2:]
    if rest[:1] in PREPOSITIONS and len(rest) - 1 > MIN_STEM_LETTERS:
        clitics, rest = clitics + rest[0], rest[1:]
    return clitics, rest


def _is_real_split(word: str, rest: str, counts: Mapping[str, int] | None) -> bool:
    """Whether `word` is a proclitic followed by `rest`, judged by spelling and word counts.

    A rest that starts with the article is evidence on its own; with counts, it must also be at
    least as frequent as the whole word («والده» is a word, «الده» is not). A rest without the
    article must be FREQUENCY_RATIO times as frequent as the whole word («وزاره» against
    «لوزاره»), which keeps names like «بغداد», «كركوك» and «وليد» whole.
    """
    has_article = rest.startswith(ARTICLE) and len(rest) - len(ARTICLE) >= MIN_STEM_LETTERS
    if counts is None:
        return has_article
    whole, stripped = counts.get(word, 0), counts.get(rest, 0)
    if has_article:
        return stripped >= whole
    return stripped >= FREQUENCY_RATIO * max(whole, 1)


def strip_proclitic(word: str, counts: Mapping[str, int] | None = None) -> str:
    """Remove a leading proclitic from a normalized word when it really is one.

    The longest split is tried first, then the conjunction alone («وبغداد» -> «بغداد»).
    """
    clitics, rest = proclitic_split(word)
    candidates = [rest] if clitics else []
    if len(clitics) > 1:
        candidates.append(word[1:])
    for candidate in candidates:
        if _is_real_split(word, candidate, counts):
            return candidate
    return word


@cache
def corpus_word_counts() -> Mapping[str, int]:
    """Word counts of the unlabelled corpus shipped with the entity resources (empty if absent)."""
    from workers.nlp.entities.resources import load_resources

    try:
        return load_resources().word_counts
    except FileNotFoundError:
        logger.warning("entity resources not found: proclitics are stripped only before the article")
        return {}


def entity_normal_form(tokens: Sequence[str], counts: Mapping[str, int] | None = None) -> str:
    """Normalize each token and join them by a space, stripping a proclitic from the first token.

    `counts` defaults to the corpus word counts of the entity resources (loaded on first use).
    """
    normalized = [normalize_arabic_word(token) for token in tokens]
    if normalized:
        normalized[0] = strip_proclitic(normalized[0], corpus_word_counts() if counts is None else counts)
    return " ".join(normalized)
