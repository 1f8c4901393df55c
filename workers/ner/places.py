"""Places named after a place noun: «مدير أمن البريقة», «مدينة سرت», «محافظة البصرة».

A word that follows a noun which only ever governs a place («أمن» in «مدير أمن X»: the security
of X; «مدينة», «محافظة», ...) is a place when the gazetteer lists it as one and the tagger left it
untagged. The tagger finds most such places itself; this layer adds the ones it missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from workers.ner import EntityTagger, RuleLayer
from workers.ner.resources import Resources
from workers.text.caches import RULE_WORDS
from workers.text.clitics import proclitic_readings
from workers.text.normalize import normalize_arabic_word

#: Nouns after which a name is a place, normalized.
PLACE_NOUNS = frozenset({"امن", "مدينه", "بلده", "قريه", "محافظه", "ولايه", "منطقه", "اقليم", "ميناء", "مطار"})


@lru_cache(maxsize=RULE_WORDS)
def _governs_a_place(token: str) -> bool:
    word = normalize_arabic_word(token)
    return word in PLACE_NOUNS or any(reading.stem in PLACE_NOUNS for reading in proclitic_readings(word))


class PlaceTagger(RuleLayer):
    """Wraps a tagger and tags as LOC a gazetteer place right after a place noun, where it left it O."""

    suffix = "places"

    def __init__(self, tagger: EntityTagger, resources: Resources) -> None:
        super().__init__(tagger)

        @lru_cache(maxsize=RULE_WORDS)
        def listed_place(token: str) -> bool:
            types = resources.gazetteer_types(normalize_arabic_word(token))
            return "LOC" in types and not types & {"PER", "PER_first", "PER_last"}

        self._listed_place = listed_place

    def revise(self, tokens: Sequence[str], tags: list[str]) -> list[str]:
        for index in range(1, len(tokens)):
            if (
                tags[index] == "O"
                and tags[index - 1] == "O"
                and _governs_a_place(tokens[index - 1])
                and self._listed_place(tokens[index])
            ):
                tags[index] = "B-LOC"
        return tags
