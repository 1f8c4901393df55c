"""Language identification tells Arabic from Persian and Urdu, says `und` when there is no text,
and gives exactly py3langid's answers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from workers.text.language import SAMPLE_CHARS, Language, LanguageDetector


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


@pytest.fixture(scope="module")
def plain() -> LanguageIdentifier:
    """py3langid as it comes: the reference."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# Spaces often, and words that repeat, so that remembered walks are reused from several states.
texts_with_repeated_words = st.lists(
    st.sampled_from(["خبر", "في", "سرت", "the", "news", " ", "  ", "\n", "؟", "é", "😀", "ی"]) | st.text(max_size=6),
    max_size=60,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts_with_repeated_words, st.binary(max_size=200)))
def test_remembered_walks_count_the_features_py3langid_counts(
    detect: LanguageDetector, plain: LanguageIdentifier, text: str | bytes
) -> None:
    data = text if isinstance(text, bytes) else plain._encode(text)
    expected = visit_counts(plain.tk_nextmove, plain._rowbase, plain.tk_output, data)
    counted = detect._identifier.feature_counts(data)
    assert (counted and list(counted.items())) == (expected and list(expected.items()))


@settings(max_examples=200, deadline=None)
@given(texts_with_repeated_words.filter(lambda text: any(char.isalpha() for char in text)))
def test_same_language_and_confidence_as_py3langid(
    detect: LanguageDetector, plain: LanguageIdentifier, text: str
) -> None:
    code, probability = plain.classify(text[:SAMPLE_CHARS])
    assert detect(text) == Language(code, round(float(probability), 4))
