"""The shipped CRF model: expected entities on news sentences, robustness, checksum verification."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workers.nlp.entities.integrity import checksum_path
from workers.nlp.entities.spans import bio_spans
from workers.nlp.entities.tagger import (
    DEFAULT_MODEL_DIR,
    MODEL_FILE,
    CrfTagger,
    ModelIntegrityError,
)
from workers.nlp.tokenize import tokenize


@pytest.fixture(scope="module")
def tagger() -> CrfTagger:
    return CrfTagger.load()


def entities(tagger: CrfTagger, text: str) -> list[tuple[str, str]]:
    tokens = [token.text for token in tokenize(text)]
    return [(span.type, " ".join(tokens[span.start : span.end])) for span in bio_spans(tagger.tag(tokens))]


def test_identity(tagger: CrfTagger) -> None:
    assert tagger.name == "crf"
    assert tagger.version.startswith("crf-")
    assert CrfTagger.load() is tagger


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # From the seed article: the rank is not part of the person.
        ("وقال مدير إدارة التوجيه المعنوي العميد خالد المحجوب إن التعليمات واضحة", ("PER", "خالد المحجوب")),
        ("وقال الرئيس الأمريكي جورج بوش إن القوات ستبقى", ("PER", "جورج بوش")),
        ("وصل الوفد إلى بغداد أمس", ("LOC", "بغداد")),
        ("تفعيل غرفة العمليات الأمنية المشتركة في سرت", ("LOC", "سرت")),
        ("نقل مدير مكتب الإعلام الأمني الرائد طارق الخراز، تحيات الوزير", ("PER", "طارق الخراز")),
        # ANERcorp's ORG is a named body (UN, parties, companies, media); «وزارة ...» is tagged O there.
        ("وأصدر مجلس الأمن الدولي قرارا جديدا بشأن السودان", ("ORG", "مجلس الأمن الدولي")),
        ("ونقلت وكالة رويترز عن مسؤول في الأمم المتحدة قوله", ("ORG", "الأمم المتحدة")),
        ("وقالت شركة مايكروسوفت في بيان إن المبيعات ارتفعت", ("ORG", "مايكروسوفت")),
    ],
)
def test_entities_in_news_sentences(tagger: CrfTagger, text: str, expected: tuple[str, str]) -> None:
    assert expected in entities(tagger, text)


@pytest.mark.parametrize(
    "tokens",
    [
        [],
        ["مَرْحَبًا", "بِكُمْ"],
        ["الـــــعراق"],
        ["Reuters", "2024", "😀", "؟"],
        ["ب" * 5000, "x" * 5000],
        ["a:b", "\\", "\x00", " ", ""],
    ],
)
def test_any_tokens_get_one_valid_tag_each(tagger: CrfTagger, tokens: list[str]) -> None:
    tags = tagger.tag(tokens)
    assert len(tags) == len(tokens)
    assert all(tag == "O" or tag[:2] in ("B-", "I-") for tag in tags)


def test_damaged_model_is_refused(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_MODEL_DIR, tmp_path / "model")
    with (tmp_path / "model" / MODEL_FILE).open("ab") as model:
        model.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        CrfTagger.load(tmp_path / "model")


def test_missing_checksum_is_refused(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"not a model")
    with pytest.raises(ModelIntegrityError, match="missing"):
        CrfTagger.load(tmp_path)
    assert not checksum_path(tmp_path / MODEL_FILE).exists()
