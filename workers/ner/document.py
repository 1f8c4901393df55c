"""Document context: the tags of one article's sentences made consistent with each other.

A sentence-level tagger finds «خليفة حفتر» where a title or a verb of saying gives it away, and misses
the same name two sentences later, or the bare «حفتر» that follows. This pass, over the tags of all of
an article's sentences, tags such repeats:

- a repeat of an entity string predicted elsewhere in the article (within `window` sentences) whose
  tokens are all O gets that entity's type; a string predicted with several types takes the most
  frequent one (`conflict`);
- the later parts of a predicted person name of several tokens («حفتر» of «خليفة حفتر»), after it, are
  PER (`name_parts`), but for name particles («عبد», «الله», «بن» …);
- words are matched in their normalized form (`normalize_arabic_word`), and a repeat may carry
  proclitics the entity did not («والعراق», «لحفتر»: `workers.text.clitics` readings); an entity's own
  leading proclitic is taken off before the article only («والعراق» is «العراق»: the article is the
  evidence, as in `normal_form.strip_proclitic` without counts). The tokens keep their clitics in
  the span, as the tagger tags them.

It only ever turns O tokens into entities: no entity the tagger found is changed or cut. A pure
function of tokens and tags, so the pipeline and the lab's evaluation run the same code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from workers.ner import OUTSIDE
from workers.ner.normal_form import strip_proclitic
from workers.ner.spans import bio_spans
from workers.ner.words import NEVER_NAMES
from workers.text.caches import RULE_WORDS
from workers.text.clitics import proclitic_readings
from workers.text.normalize import normalize_arabic_word

PER = "PER"
#: Parts of person names that are no name on their own (normalized): those that begin a part of a name
#: («عبد الله», «بن لادن», «ابو مازن», «فان باستن») and those that end one («عبد الله», «صلاح الدين»,
#: and the ordinals and epithets of rulers: «عبد الله الثاني»).
LEADING_PARTICLES = frozenset(
    {
        "عبد", "عبدال", "بن", "ابن", "بنت", "ابو", "ابي", "ابا", "ام", "ال", "السيد", "الشيخ", "دي", "دو",
        "دا", "فون", "فان", "لا", "لي", "سانت",
    }
)  # fmt: skip
TRAILING_PARTICLES = frozenset(
    {
        "الله", "الدين", "الرحمن", "الرحيم", "الحق", "الملك", "العزيز", "جونيور", "الاول", "الثاني",
        "الثالث", "الرابع", "الخامس", "الكبير", "الصغير", "الابن",
    }
)  # fmt: skip
NAME_PARTICLES = LEADING_PARTICLES | TRAILING_PARTICLES
#: The fewest letters a name part must have to be tagged on its own.
MIN_NAME_PART_LETTERS = 3


@dataclass(frozen=True, slots=True)
class DocumentRules:
    """How far and what the pass propagates (the defaults are the shipped rules, chosen on lab.folds)."""

    #: Sentences either side of a predicted entity that its repeats may be in; None: the whole article.
    window: int | None = 10
    #: Repeats of entity strings of at least this many tokens are tagged (1: single words too).
    min_tokens: int = 1
    #: Later parts of a multi-token PER: "tails" every tail of the name («فان باستن», «باستن» of «ماركو
    #: فان باستن»), "later" each later token, "last" the last one, "none" no part.
    name_parts: Literal["none", "last", "later", "tails"] = "tails"
    #: Name parts also before the full name («حفتر» in the sentence before «خليفة حفتر»).
    name_parts_before: bool = False
    #: Repeats may carry proclitics the entity lacks («والعراق» for «العراق»).
    clitics: bool = True
    #: A string predicted with several types: "majority" takes the most frequent (a tie: none),
    #: "unanimous" only a string predicted with one type.
    conflict: Literal["majority", "unanimous"] = "majority"
    #: A repeat right after an entity of its type continues it («جورج» B-PER + «بوش» → «جورج بوش»).
    join: bool = True
    #: A repeat right before or after an entity of another type is left O («هونج» LOC + «كونج»).
    apart_from_others: bool = True
    #: The least share of a string's occurrences in the window the tagger tagged, for its O ones to be
    #: tagged (0: any).
    min_tagged_share: float = 0.0

    def __str__(self) -> str:
        window = "article" if self.window is None else f"±{self.window}"
        parts = self.name_parts + ("+before" if self.name_parts_before else "")
        return (
            f"window {window}, strings of ≥{self.min_tokens} tokens, name parts {parts}, clitics "
            f"{'on' if self.clitics else 'off'}, conflict {self.conflict}, join {'on' if self.join else 'off'}, "
            f"apart from others {'on' if self.apart_from_others else 'off'}, "
            f"tagged share ≥{self.min_tagged_share:g}"
        )


@dataclass(frozen=True, slots=True)
class _Mention:
    """A predicted entity string (or a name part) in sentence `sentence`, ending before token `end`."""

    sentence: int
    end: int
    type: str
    name_part: bool


def _has_letter(word: str) -> bool:
    return any(character.isalpha() for character in word)


def _entity_first_word(word: str, rules: DocumentRules) -> str:
    """An entity's first word as it is matched: a proclitic before the article taken off."""
    return strip_proclitic(word) if rules.clitics else word


@lru_cache(maxsize=RULE_WORDS)
def _clitic_forms(word: str) -> tuple[str, ...]:
    """The forms a word of the text may match an entity's first word in: itself, then without proclitics."""
    return (word, *(reading.stem for reading in proclitic_readings(word)))


def _name_parts(words: Sequence[str], rules: DocumentRules) -> list[tuple[str, ...]]:
    """The parts of a person's name (normalized words) that are tagged PER on their own."""
    if rules.name_parts == "none" or len(words) < 2:
        return []
    if rules.name_parts == "tails":
        parts = [tuple(words[start:]) for start in range(1, len(words))]
    else:
        parts = [(word,) for word in (words[1:] if rules.name_parts == "later" else words[-1:])]
    return [part for part in parts if _name_on_its_own(part)]


def _name_on_its_own(part: tuple[str, ...]) -> bool:
    """A single word that is no particle, no function word and has MIN_NAME_PART_LETTERS letters; or
    several words, neither beginning with a trailing particle nor ending with a leading one."""
    if len(part) == 1:
        word = part[0]
        return word not in NAME_PARTICLES | NEVER_NAMES and sum(map(str.isalpha, word)) >= MIN_NAME_PART_LETTERS
    return part[0] not in TRAILING_PARTICLES | NEVER_NAMES and part[-1] not in LEADING_PARTICLES


def _mentions(
    normalized: Sequence[Sequence[str]], tags: Sequence[Sequence[str]], rules: DocumentRules
) -> dict[tuple[str, ...], list[_Mention]]:
    """Every predicted entity string and name part of the document, by its matched words."""
    found: dict[tuple[str, ...], list[_Mention]] = {}
    for index, (words, sentence_tags) in enumerate(zip(normalized, tags, strict=True)):
        for span in bio_spans(sentence_tags):
            entity = list(words[span.start : span.end])
            if not all(map(_has_letter, entity)):
                continue
            if len(entity) >= rules.min_tokens and not (len(entity) == 1 and entity[0] in NEVER_NAMES):
                key = (_entity_first_word(entity[0], rules), *entity[1:])
                found.setdefault(key, []).append(_Mention(index, span.end, span.type, name_part=False))
            if span.type == PER:
                for part in _name_parts(entity, rules):
                    found.setdefault(part, []).append(_Mention(index, span.end, PER, name_part=True))
    return found


def _near(mention: _Mention, sentence: int, position: int, rules: DocumentRules) -> bool:
    """Whether `mention` may vouch for a repeat at token `position` of sentence `sentence`."""
    if rules.window is not None and abs(mention.sentence - sentence) > rules.window:
        return False
    if mention.name_part and not rules.name_parts_before:
        return (mention.sentence, mention.end) <= (sentence, position)
    return True


@dataclass(frozen=True, slots=True)
class _Repeat:
    sentence: int
    start: int
    end: int
    key: tuple[str, ...]


def _repeats(
    normalized: Sequence[Sequence[str]],
    tags: Sequence[Sequence[str]],
    mentions: dict[tuple[str, ...], list[_Mention]],
    rules: DocumentRules,
) -> list[_Repeat]:
    """Runs of O tokens that spell a mentioned string near a mention of it, longest first, left to right."""
    lengths: dict[str, set[int]] = {}
    for key in mentions:
        lengths.setdefault(key[0], set()).add(len(key))
    longest_first = {first: sorted(sizes, reverse=True) for first, sizes in lengths.items()}
    found: list[_Repeat] = []
    for index, (words, sentence_tags) in enumerate(zip(normalized, tags, strict=True)):
        position = 0
        while position < len(words):
            matched = None
            if sentence_tags[position] == OUTSIDE:
                forms = _clitic_forms(words[position]) if rules.clitics else (words[position],)
                candidates = [(form, longest_first[form]) for form in forms if form in longest_first]
                if candidates:
                    matched = _match(words, sentence_tags, position, index, mentions, candidates, rules)
            if matched is None:
                position += 1
                continue
            found.append(_Repeat(index, position, position + len(matched), matched))
            position += len(matched)
    return found


def _match(
    words: Sequence[str],
    sentence_tags: Sequence[str],
    position: int,
    sentence: int,
    mentions: dict[tuple[str, ...], list[_Mention]],
    candidates: list[tuple[str, list[int]]],
    rules: DocumentRules,
) -> tuple[str, ...] | None:
    """The longest mentioned string that the O tokens from `position` spell, by its first word's forms."""
    for form, sizes in candidates:
        for size in sizes:
            end = position + size
            if end > len(words) or any(tag != OUTSIDE for tag in sentence_tags[position:end]):
                continue
            key = (form, *words[position + 1 : end])
            if key in mentions and any(_near(m, sentence, position, rules) for m in mentions[key]):
                return key
    return None


def _decide(votes: Counter[str], rules: DocumentRules) -> str | None:
    """The type a repeat gets from the types its string was predicted with, or None."""
    ranked = votes.most_common(2)
    if not ranked:
        return None
    if len(ranked) > 1 and (rules.conflict == "unanimous" or ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _touches_other(tags: Sequence[str], repeat: _Repeat, entity_type: str) -> bool:
    before = tags[repeat.start - 1] if repeat.start > 0 else OUTSIDE
    after = tags[repeat.end] if repeat.end < len(tags) else OUTSIDE
    return any(tag != OUTSIDE and tag[2:] != entity_type for tag in (before, after))


def document_tags(
    sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]], rules: DocumentRules | None = None
) -> list[list[str]]:
    """The tags of one document's sentences (tokens as written, BIO tags of each), made consistent
    as the module says; new lists, the input untouched."""
    rules = rules or DocumentRules()
    if len(sentences) != len(tags) or any(len(s) != len(t) for s, t in zip(sentences, tags, strict=True)):
        raise ValueError("one tag per token of each sentence is needed")
    result = [list(sentence_tags) for sentence_tags in tags]
    if all(tag == OUTSIDE for sentence_tags in tags for tag in sentence_tags):
        return result
    normalized = [[normalize_arabic_word(token) for token in sentence] for sentence in sentences]
    mentions = _mentions(normalized, tags, rules)
    if not mentions:
        return result
    repeats = _repeats(normalized, tags, mentions, rules)
    by_key: dict[tuple[str, ...], list[_Repeat]] = {}
    for repeat in repeats:
        by_key.setdefault(repeat.key, []).append(repeat)
    for repeat in repeats:
        near = [m for m in mentions[repeat.key] if _near(m, repeat.sentence, repeat.start, rules)]
        entity_type = _decide(Counter(m.type for m in near), rules)
        if entity_type is None:
            continue
        if rules.min_tagged_share > 0:
            untagged = sum(
                1
                for other in by_key[repeat.key]
                if rules.window is None or abs(other.sentence - repeat.sentence) <= rules.window
            )
            tagged = sum(1 for m in near if not m.name_part)
            if tagged < rules.min_tagged_share * (tagged + untagged):
                continue
        row = result[repeat.sentence]
        if rules.apart_from_others and _touches_other(tags[repeat.sentence], repeat, entity_type):
            continue
        joins = rules.join and repeat.start > 0 and row[repeat.start - 1][2:] == entity_type
        row[repeat.start] = f"{'I' if joins else 'B'}-{entity_type}"
        for position in range(repeat.start + 1, repeat.end):
            row[position] = f"I-{entity_type}"
    return result
