"""Government bodies as ORG: «وزارة الداخلية», «مديرية أمن سرت», «إدارة التوجيه المعنوي».

ANERcorp, the tagger's training data, leaves ministries, directorates and administrations untagged
(«وزارة» is O in all its 33 training occurrences), so no model trained on it finds them; Khabar's
users count them as organisations. This layer adds them over any tagger's output by a rule: an
institution noun followed by its name, a chain of definite words and places, as in
«مديرية» + «أمن» + «سرت». A name stops where a person the tagger found begins; persons are never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from workers.ner import EntityTagger, RuleLayer
from workers.ner.resources import Resources
from workers.ner.spans import bio_spans
from workers.ner.words import FUNCTION_WORDS, RANKS, TIME_WORDS, TITLES
from workers.text.caches import RULE_WORDS
from workers.text.clitics import ARTICLE, proclitic_readings
from workers.text.normalize import normalize_arabic_word

#: Normalized institution nouns (teh marbuta folded to heh, alef forms to bare alef).
INSTITUTION_NOUNS = frozenset(
    {
        "وزاره", "مديريه", "اداره", "هيئه", "مكتب", "مجلس", "بلديه", "مفوضيه", "مصلحه", "دائره",
        "جهاز", "قياده", "رئاسه", "سفاره", "قنصليه", "محكمه", "نيابه", "امانه", "نقابه",
        "مؤسسه", "وكاله", "منظمه", "جامعه", "شركه", "مصرف", "بنك", "حزب", "اتحاد", "لجنه",
    }
)  # fmt: skip
#: Words that end an institution's name: function words, words of time («... اليوم») and titles of
#: persons («مدير إدارة الشرطة العسكرية العميد باسط بوغريس»).
NAME_BREAKERS = FUNCTION_WORDS | TIME_WORDS | RANKS | TITLES
MAX_NAME_TOKENS = 4
#: Letters a stem keeps after the proclitics (as written): «لوزاره» reads as ل + «وزاره».
MIN_STEM_LETTERS = 4


def _stems(word: str) -> list[str]:
    """The word and its stems without proclitics, in the layer's own loose reading: up to two
    proclitic letters in any order, «لل» only as ل + ال (`proclitic_readings(any_order=True)`).

    The grammatical reading would also find «لجنه» in «للجنه» (two more institutions on the 1,075
    reference articles, «للجنة الفنية»); kept loose until that change is made on purpose.
    """
    return [word, *(reading.stem for reading in proclitic_readings(word, MIN_STEM_LETTERS, any_order=True))]


@lru_cache(maxsize=RULE_WORDS)
def _is_institution(word: str) -> bool:
    return any(
        stem in INSTITUTION_NOUNS or (stem.startswith(ARTICLE) and stem[len(ARTICLE) :] in INSTITUTION_NOUNS)
        for stem in _stems(word)
    )


@lru_cache(maxsize=RULE_WORDS)
def _is_institution_token(token: str) -> bool:
    """`_is_institution` of a token as written."""
    return _is_institution(normalize_arabic_word(token))


def _is_definite(word: str, first: bool) -> bool:
    """A name word: definite; after the first, a conjunction may join it («المدفعية والصواريخ»)."""
    if word in NAME_BREAKERS:
        return False
    return word.startswith(ARTICLE) or (not first and word.startswith("و" + ARTICLE))


def _is_construct_noun(word: str) -> bool:
    """An indefinite noun inside a name («أمن» in «مديرية أمن سرت»), not a preposition phrase («بالقيادة»)."""
    return (
        word.isalpha()
        and len(word) >= 3
        and word not in NAME_BREAKERS
        and not any(stem.startswith(ARTICLE) for stem in _stems(word))
        and not _is_institution(word)
    )


def is_place(word: str, resources: Resources) -> bool:
    """A place name of the resources' gazetteer, with or without a proclitic."""
    return any("LOC" in resources.gazetteer_types(stem) for stem in _stems(word))


def institution_spans(normalized: Sequence[str], place: Callable[[int], bool]) -> list[tuple[int, int]]:
    """[start, end) token spans of institutions; `place(i)` says token i is part of a place name."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(normalized):
        if not _is_institution(normalized[index]):
            index += 1
            continue
        end = index + 1
        while end < len(normalized) and end - index <= MAX_NAME_TOKENS:
            word = normalized[end]
            if _is_definite(word, first=end == index + 1) or place(end):
                end += 1
            elif (
                end + 1 < len(normalized)
                and _is_construct_noun(word)
                and (_is_definite(normalized[end + 1], first=True) or place(end + 1))
            ):
                end += 2  # an indefinite noun in construct: «مديرية أمن سرت»
            else:
                break
        if end > index + 1:
            spans.append((index, end))
        index = max(end, index + 1)
    return spans


class InstitutionTagger(RuleLayer):
    """Wraps a tagger and tags institutions as ORG where it left them out; the places a name may
    hold are those the tagger found and those of the `resources`' gazetteer (the shipped one:
    `load_resources()`)."""

    suffix = "institutions"

    def __init__(self, tagger: EntityTagger, resources: Resources) -> None:
        super().__init__(tagger)

        @lru_cache(maxsize=RULE_WORDS)
        def known_place(word: str) -> bool:
            return is_place(word, resources)

        self._is_place = known_place

    def revise(self, tokens: Sequence[str], tags: list[str]) -> list[str]:
        if not any(map(_is_institution_token, tokens)):
            return tags  # most sentences: decided by one cached look-up per token
        normalized = [normalize_arabic_word(token) for token in tokens]

        def place(index: int) -> bool:
            return tags[index].endswith("-LOC") or self._is_place(normalized[index])

        persons = {index for span in bio_spans(tags) if span.type == "PER" for index in range(span.start, span.end)}
        for start, found_end in institution_spans(normalized, place):
            end = min([found_end, *(index for index in persons if start <= index < found_end)])
            if end - start < 2:
                continue
            tags[start:end] = ["B-ORG"] + ["I-ORG"] * (end - start - 1)
            if end < len(tags) and tags[end].startswith("I-"):
                tags[end] = "B-" + tags[end][2:]  # an entity cut at its start begins anew
        return tags
