"""Readers for the labelled NER corpora, all mapped to one tag set: BIO over PER, LOC, ORG, MISC.

The corpora differ in separator and in type names (ANERcorp writes `PERS`, AQMAR splits
miscellaneous entities into `MIS0`..`MIS3` and has a few misspelt tags); each reader hides this
so that training and evaluation see the same tags the tagger emits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from workers.ner import ENTITY_TYPES, OUTSIDE, map_standard_tag

logger = logging.getLogger(__name__)

_AQMAR_TAG = re.compile(r"^([BI])-+([A-Z]+)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One labelled sentence: tokens and their BIO tags, of equal length."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]


class CorpusFormat(StrEnum):
    """The on-disk formats the readers understand."""

    ANERCORP = "anercorp"
    WIKIANN = "wikiann"
    AQMAR = "aqmar"


def map_aqmar_tag(tag: str) -> str:
    """Map an AQMAR tag: `MIS0`..`MIS3` become MISC; misspelt tags are repaired or become `O`.

    Repaired: doubled hyphens (`I--ORG`) and any spelling starting with `MIS` (`MIS-1`, `MISS1`,
    ``MIS1` ``). Dropped to `O`: language labels (`B-ENGLISH`) and tags without a type (`OO`, `IO`).
    """
    if tag == OUTSIDE:
        return tag
    match = _AQMAR_TAG.match(tag)
    if match is None:
        logger.debug("AQMAR tag %r dropped to O", tag)
        return OUTSIDE
    prefix, entity_type = match.groups()
    if entity_type.startswith("MIS"):
        return f"{prefix}-MISC"
    if entity_type in ENTITY_TYPES:
        return f"{prefix}-{entity_type}"
    logger.debug("AQMAR tag %r dropped to O", tag)
    return OUTSIDE


def parse_conll(lines: Iterable[str], separator: str, map_tag: Callable[[str], str]) -> Iterator[Sentence]:
    """Parse `token<separator>tag` lines; a blank line ends a sentence.

    The tag is the last field, so a token can never be split away from it.
    """
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            if tokens:
                yield Sentence(tuple(tokens), tuple(tags))
                tokens, tags = [], []
            continue
        token, _, tag = line.strip().rpartition(separator)
        if not token:
            raise ValueError(f"line {number}: expected `token tag`, got {line!r}")
        tokens.append(token)
        tags.append(map_tag(tag.strip()))
    if tokens:
        yield Sentence(tuple(tokens), tuple(tags))


def read_anercorp(path: Path) -> list[Sentence]:
    """Read ANERcorp (CAMeL Lab split): `token TAG` per line."""
    with path.open(encoding="utf-8") as lines:
        return list(parse_conll(lines, " ", map_standard_tag))


def read_wikiann(path: Path) -> list[Sentence]:
    """Read WikiANN (Rahimi et al. splits): `token<TAB>tag` per line."""
    with path.open(encoding="utf-8") as lines:
        return list(parse_conll(lines, "\t", map_standard_tag))


def read_aqmar(path: Path) -> list[Sentence]:
    """Read AQMAR: one `token TAG` file, or a directory of them (read in name order)."""
    files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
    sentences: list[Sentence] = []
    for file in files:
        with file.open(encoding="utf-8") as lines:
            sentences.extend(parse_conll(lines, " ", map_aqmar_tag))
    return sentences


_READERS: dict[CorpusFormat, Callable[[Path], list[Sentence]]] = {
    CorpusFormat.ANERCORP: read_anercorp,
    CorpusFormat.WIKIANN: read_wikiann,
    CorpusFormat.AQMAR: read_aqmar,
}


def read_corpus(path: Path, corpus_format: CorpusFormat | str) -> list[Sentence]:
    """Read `path` with the reader of `corpus_format`."""
    return _READERS[CorpusFormat(corpus_format)](path)
