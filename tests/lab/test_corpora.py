"""The corpus readers map every corpus to BIO tags over PER, LOC, ORG, MISC."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.corpora import (
    Sentence,
    map_aqmar_tag,
    map_standard_tag,
    read_anercorp,
    read_aqmar,
    read_corpus,
    read_wikiann,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_anercorp_sentences_end_at_blank_lines_and_pers_becomes_per(tmp_path: Path) -> None:
    corpus = write(tmp_path / "a.txt", "قال O\nجورج B-PERS\nبوش I-PERS\n\n\nفي O\nبغداد B-LOC\n")
    assert read_anercorp(corpus) == [
        Sentence(("قال", "جورج", "بوش"), ("O", "B-PER", "I-PER")),
        Sentence(("في", "بغداد"), ("O", "B-LOC")),
    ]


def test_wikiann_is_tab_separated(tmp_path: Path) -> None:
    corpus = write(tmp_path / "w.tsv", "جامعة\tB-ORG\nدمشق\tI-ORG\n\n")
    assert read_wikiann(corpus) == [Sentence(("جامعة", "دمشق"), ("B-ORG", "I-ORG"))]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("O", "O"),
        ("B-PER", "B-PER"),
        ("I-LOC", "I-LOC"),
        ("B-MIS0", "B-MISC"),
        ("I-MIS3", "I-MISC"),
        ("B-MIS", "B-MISC"),
        ("B-MIS-2", "B-MISC"),
        ("B-MISS1", "B-MISC"),
        ("B-MIS1`", "B-MISC"),
        ("I--ORG", "I-ORG"),
        ("B-ENGLISH", "O"),
        ("OO", "O"),
        ("IO", "O"),
    ],
)
def test_aqmar_tags_are_repaired_or_dropped(tag: str, expected: str) -> None:
    assert map_aqmar_tag(tag) == expected


def test_aqmar_directory_reads_every_file_in_name_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "دمشق B-LOC\n")
    write(tmp_path / "a.txt", "الحروب B-MIS1\nالصليبية I-MIS1\n")
    assert read_corpus(tmp_path, "aqmar") == [
        Sentence(("الحروب", "الصليبية"), ("B-MISC", "I-MISC")),
        Sentence(("دمشق",), ("B-LOC",)),
    ]
    assert read_aqmar(tmp_path / "b.txt") == [Sentence(("دمشق",), ("B-LOC",))]


def test_unknown_tag_in_a_standard_corpus_is_an_error() -> None:
    with pytest.raises(ValueError, match="B-DATE"):
        map_standard_tag("B-DATE")


def test_line_without_tag_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="line 2"):
        read_anercorp(write(tmp_path / "a.txt", "في O\nبغداد\n"))
