"""Arabic proclitics as they are written: which letters, in which order, and the elided article.

A normalized word may begin with a conjunction (و ف), then a preposition (ب ك ل), before its stem:
«والعراق» is و + «العراق», «بمصر» is ب + «مصر», «وبغداد» is و + ب + «غداد» as far as spelling goes.
The preposition ل before the article ال drops the article's alef: «للوزاره» is ل + «الوزاره» (and
«وللوزاره» و + ل + «الوزاره»), so the stem gets the article back. The second lam of «لل» is the
article's, written as part of the stem: the stem's length is counted with it.

Spelling cannot tell a proclitic from a first letter: «بغداد», «وليد» and «كركوك» read as clitics
too. This module only lists the readings; each user decides which one is real by its own evidence
(corpus counts, a gazetteer, the CRF's features).
"""

from __future__ import annotations

from typing import NamedTuple

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
PROCLITIC_LETTERS = "".join(CONJUNCTIONS + PREPOSITIONS)
ARTICLE = "ال"
LAM = "ل"
#: How ل + ال is written: the article's alef elided.
LAM_ARTICLE = LAM + LAM
#: The fewest letters a stem has (as written after the proclitics) in `proclitic_split`.
MIN_STEM_LETTERS = 3


class Reading(NamedTuple):
    """One way of reading the start of a word as proclitics."""

    #: The proclitics: «و», «وب», «ل» (of «للوزاره»).
    clitics: str
    #: The rest, with the article restored after «لل»: «العراق», «الوزاره».
    stem: str
    #: Whether the stem's article was written without its alef («لل»).
    elided: bool = False

    @property
    def written(self) -> str:
        """The letters taken off the word as written: «و», «وب», «لل» (both lams), «ولل»."""
        return self.clitics + LAM if self.elided else self.clitics

    @property
    def written_stem(self) -> str:
        """The stem as written, the article's lam of «لل» included: «لوزاره» for «للوزاره»."""
        return LAM + self.stem[len(ARTICLE) :] if self.elided else self.stem


def proclitic_readings(word: str, min_stem: int = MIN_STEM_LETTERS, *, any_order: bool = False) -> list[Reading]:
    """Every reading of a normalized word's start as proclitics, longest first; the word itself is not one.

    Grammatical order: a conjunction, then a preposition or «لل» (ل + the article), so «وللوزاره»
    reads as ول + «الوزاره», ول + «لوزاره» or و + «للوزاره». At least `min_stem` letters must be left
    as written (`Reading.written_stem`).

    `any_order` keeps the looser rule of the institution layer: up to two letters of
    PROCLITIC_LETTERS taken off one at a time in any order (ب + و + «زاره» for «بوزاره»), and «لل»
    read only as ل + the article, which ends the readings.
    """
    if any_order:
        return _any_order_readings(word, min_stem)
    readings = []
    conjunction = word[:1] if word[:1] in CONJUNCTIONS else ""
    after = word[len(conjunction) :]
    if after.startswith(LAM_ARTICLE) and len(after) - 1 >= min_stem:
        readings.append(Reading(conjunction + LAM, ARTICLE + after[len(LAM_ARTICLE) :], elided=True))
    if after[:1] in PREPOSITIONS and len(after) - 1 >= min_stem:
        readings.append(Reading(conjunction + after[0], after[1:]))
    if conjunction and len(after) >= min_stem:
        readings.append(Reading(conjunction, after))
    return readings


def _any_order_readings(word: str, min_stem: int) -> list[Reading]:
    readings: list[Reading] = []
    clitics, rest = "", word
    for _ in range(2):
        if rest.startswith(LAM_ARTICLE) and len(rest) - 1 >= min_stem:
            readings.append(Reading(clitics + LAM, ARTICLE + rest[len(LAM_ARTICLE) :], elided=True))
            break
        if not (rest[:1] and rest[0] in PROCLITIC_LETTERS and len(rest) - 1 >= min_stem):
            break
        clitics, rest = clitics + rest[0], rest[1:]
        readings.append(Reading(clitics, rest))
    return readings[::-1]


def proclitic_split(word: str) -> tuple[str, str]:
    """The longest reading of a normalized word as proclitics and stem: (clitics, stem).

    Purely orthographic, and the article stays with the stem: «والعراق» -> («و», «العراق»),
    «للوزاره» -> («ل», «الوزاره»), but also «بغداد» -> («ب», «غداد»); ("", word) without a reading.
    """
    readings = proclitic_readings(word)
    return (readings[0].clitics, readings[0].stem) if readings else ("", word)
