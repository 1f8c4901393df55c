"""One article as the story index remembers it, and the decision taken for it when it arrived."""

from __future__ import annotations

from dataclasses import dataclass

from workers.stories.minhash import Signature


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """An article's signature, time and salient entities, with its `duplicate_of` and `story_id`.

    The decision travels with the signature: a worker that rebuilds its index from these entries
    answers later articles as the worker that decided did, even after the first article of a story
    has expired (a story id is then still known from its later members).
    """

    article_id: str
    #: Event time, seconds since the epoch (`published_at`, else the input record's timestamp).
    time: float
    signature: Signature
    #: Distinct shingles of the article: below `index.MIN_SHINGLES` it is never matched.
    shingles: int
    entities: tuple[str, ...]
    story_id: str
    duplicate_of: str | None = None

    def same_as(self, other: Entry) -> bool:
        """Field by field equality, the signature's values included."""
        return (
            self.article_id == other.article_id
            and self.time == other.time
            and bool((self.signature == other.signature).all())
            and self.shingles == other.shingles
            and self.entities == other.entities
            and self.story_id == other.story_id
            and self.duplicate_of == other.duplicate_of
        )
