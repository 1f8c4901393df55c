"""Named-entity tagging: the tag set and what every tagger is; taggers take tokens and return one BIO tag each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
OUTSIDE = "O"
#: Other spellings of a type in the labelled corpora (ANERcorp and camel-tools write PERS).
_TYPE_ALIASES = {"PERS": "PER"}


class EntityTagger(Protocol):
    """What the pipeline needs from any tagger backend (CRF, camel-tools BERT, ...)."""

    name: str
    version: str

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """Return one tag per token: `O`, `B-<TYPE>` or `I-<TYPE>` with TYPE in ENTITY_TYPES."""
        ...


@runtime_checkable
class BatchTagger(Protocol):
    """A tagger that tags many sentences in one call, faster than one at a time."""

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """One BIO tag per token of each sentence."""
        ...


def tag_sentences(tagger: EntityTagger, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    """Tags for each sentence: in one batch when the tagger can, else one sentence at a time."""
    if isinstance(tagger, BatchTagger):
        return tagger.tag_sentences(sentences)
    return [tagger.tag(sentence) for sentence in sentences]


def map_standard_tag(tag: str) -> str:
    """Map an ANERcorp or WikiANN tag to the shared tag set (`PERS` becomes `PER`)."""
    if tag == OUTSIDE:
        return tag
    prefix, _, entity_type = tag.partition("-")
    entity_type = _TYPE_ALIASES.get(entity_type, entity_type)
    if prefix not in ("B", "I") or entity_type not in ENTITY_TYPES:
        raise ValueError(f"unknown tag {tag!r}")
    return f"{prefix}-{entity_type}"


class RuleLayer:
    """A rule over another tagger's output: it tags what the wrapped tagger does, then `revise`s the
    tags of each sentence; batched whenever the wrapped tagger is. Its name says it is there."""

    #: Appended to the wrapped tagger's name: `crf+institutions`.
    suffix = "rules"

    def __init__(self, tagger: EntityTagger) -> None:
        self._tagger = tagger
        self.name = f"{tagger.name}+{self.suffix}"
        self.version = tagger.version

    def revise(self, tokens: Sequence[str], tags: list[str]) -> list[str]:
        """The sentence's tags with this layer's rule applied (`tags` may be changed in place)."""
        raise NotImplementedError

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return self.revise(tokens, self._tagger.tag(tokens))

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """`tag` for each sentence, the wrapped tagger's part in one batch when it can."""
        tagged = tag_sentences(self._tagger, sentences)
        return [self.revise(tokens, tags) for tokens, tags in zip(sentences, tagged, strict=True)]
