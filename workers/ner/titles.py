"""Persons named after their rank or title: «اللواء المبروك المقرض», «المشير خليفة حفتر».

News names officials as title + name, and the title is never part of the name. ANERcorp, the
tagger's training data, has few military ranks, so the CRF misses a name after one («اللواء المبروك
المقرض») or takes only its last part («المشير خليفة حفتر» gave «حفتر»). This layer adds, over any
tagger's output: after a rank, the person the tagger found within the next NAME_TOKENS tokens
begins right after the rank; when it found none there, the next NAME_TOKENS name-like tokens are
the person. Civil titles (الرئيس, الوزير, ...) are left alone: an adjective often stands between
them and the name («الرئيس الأمريكي جورج بوش»), and on the ANERcorp folds extending persons back
to them cost 0.02 PER F1.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from workers.ner import RuleLayer
from workers.ner.spans import bio_spans
from workers.ner.words import FUNCTION_WORDS, RANKS, TIME_WORDS, TITLES
from workers.text.caches import RULE_WORDS
from workers.text.clitics import CONJUNCTIONS
from workers.text.normalize import normalize_arabic_word

#: How many tokens after a title a name is looked for (first name and family name).
NAME_TOKENS = 2


@lru_cache(maxsize=RULE_WORDS)
def title_kind(token: str) -> str | None:
    """ "rank", "title" or None for a token as written; a leading conjunction is allowed («والعميد»)."""
    word = normalize_arabic_word(token)
    for candidate in (word, word[1:] if word[:1] in CONJUNCTIONS else word):
        if candidate in RANKS:
            return "rank"
        if candidate in TITLES:
            return "title"
    return None


#: Words that are never part of a name after a title.
NOT_NAMES = FUNCTION_WORDS | TIME_WORDS


def _name_like(token: str) -> bool:
    """A word that can be part of a name: letters only, not a function word, time word or title."""
    word = normalize_arabic_word(token)
    return len(word) >= 2 and word.isalpha() and word not in NOT_NAMES and title_kind(token) is None


def add_titled_persons(tokens: Sequence[str], tags: list[str]) -> list[str]:
    """`tags` with the persons after titles added or extended back to the title (see the module)."""
    for index, token in enumerate(tokens):
        if title_kind(token) != "rank":
            continue
        window = range(index + 1, min(index + 1 + NAME_TOKENS, len(tokens)))
        found = next((span for span in bio_spans(tags) if span.type == "PER" and span.start in window), None)
        if found is not None:
            if all(tags[gap] == "O" for gap in range(index + 1, found.start)):
                tags[index + 1 : found.end] = ["B-PER"] + ["I-PER"] * (found.end - index - 2)
        elif len(window) == NAME_TOKENS and all(tags[i] == "O" and _name_like(tokens[i]) for i in window):
            tags[window.start : window.stop] = ["B-PER"] + ["I-PER"] * (NAME_TOKENS - 1)
            if window.stop < len(tags) and tags[window.stop].startswith("I-"):
                tags[window.stop] = "B-" + tags[window.stop][2:]
    return tags


class TitledPersonTagger(RuleLayer):
    """Wraps a tagger and adds the persons named after a rank where it missed or cut them."""

    suffix = "titles"

    def revise(self, tokens: Sequence[str], tags: list[str]) -> list[str]:
        return add_titled_persons(tokens, tags)
