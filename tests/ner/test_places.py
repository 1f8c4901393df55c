"""Places after place nouns: a listed place the tagger left untagged, right after «أمن», «مدينة», ..."""

from __future__ import annotations

from collections.abc import Sequence

from workers.ner.places import PlaceTagger
from workers.ner.resources import Resources


def resources(gazetteer: dict[str, frozenset[str]]) -> Resources:
    return Resources(clusters={}, word_counts={}, gazetteer=gazetteer, longest_entry=1)


class Fixed:
    """A tagger that answers the same tags, whatever the tokens."""

    name, version = "fixed", "0"

    def __init__(self, tags: list[str]) -> None:
        self.tags = tags

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return list(self.tags)


GAZETTEER = {"البريقه": frozenset({"LOC"}), "خليفه": frozenset({"LOC", "PER_first"})}


def test_a_listed_place_after_a_place_noun_becomes_a_place() -> None:
    tagger = PlaceTagger(Fixed(["O", "O", "O"]), resources(GAZETTEER))
    assert tagger.tag(["مدير", "أمن", "البريقة"]) == ["O", "O", "B-LOC"]
    assert tagger.tag(["وصل", "لمدينة", "البريقة"]) == ["O", "O", "B-LOC"]  # the noun after a proclitic


def test_nothing_changes_without_the_noun_the_listing_or_where_the_tagger_decided() -> None:
    places = resources(GAZETTEER)
    assert PlaceTagger(Fixed(["O", "O", "O"]), places).tag(["مدير", "شرطة", "البريقة"]) == ["O", "O", "O"]
    assert PlaceTagger(Fixed(["O", "O", "O"]), places).tag(["مدير", "أمن", "الغرفة"]) == ["O", "O", "O"]
    assert PlaceTagger(Fixed(["O", "O", "O"]), places).tag(["مدير", "أمن", "خليفة"]) == ["O", "O", "O"]  # also a name
    tagged = ["O", "B-ORG", "I-ORG"]
    assert PlaceTagger(Fixed(tagged), places).tag(["مديرية", "أمن", "البريقة"]) == tagged
