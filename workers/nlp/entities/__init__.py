"""Named-entity tagging: taggers work on tokens and return one BIO tag per token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")


class EntityTagger(Protocol):
    """What the pipeline needs from any tagger backend (CRF, camel-tools BERT, ...)."""

    name: str
    version: str

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """Return one tag per token: `O`, `B-<TYPE>` or `I-<TYPE>` with TYPE in ENTITY_TYPES."""
        ...
