"""Language identification tells Arabic from Persian and Urdu, and says `und` when there is no text."""

import pytest

from workers.nlp.language import LanguageDetector


@pytest.fixture(scope="module")
def detect() -> LanguageDetector:
    return LanguageDetector.load()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("عقدت مديرية أمن سرت اجتماعا أمنيا موسعا للغرفة الأمنية المشتركة", "ar"),
        ("این یک متن فارسی است که درباره اخبار امروز نوشته شده است", "fa"),
        ("یہ ایک اردو متن ہے جو آج کی خبروں کے بارے میں ہے", "ur"),
        ("The minister said on Friday that the talks would resume", "en"),
    ],
)
def test_detects_language(detect: LanguageDetector, text: str, code: str) -> None:
    language = detect(text)
    assert language.code == code
    assert 0 < language.confidence <= 1


@pytest.mark.parametrize("text", ["", "١٢٣ 456", "!!! ؟؟ 👍"])
def test_text_without_letters_is_undetermined(detect: LanguageDetector, text: str) -> None:
    assert detect(text).code == "und"
    assert detect(text).confidence == 0.0
