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
