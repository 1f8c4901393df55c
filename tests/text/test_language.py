"""Language identification tells Arabic from Persian and Urdu, says `und` when there is no text,
and gives exactly py3langid's answers, but for Arabic: every variety of it is `ar`, its variety said."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from workers.text.language import ARABIC_VARIETIES, SAMPLE_CHARS, Language, LanguageDetector


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


#: Modern Standard Arabic, a football report written without hamzas (أمس, إثر), as news often is.
#: py3langid alone: ('arz', 0.712), ('ar', 0.200), ('ary', 0.088).
MSA_THAT_PY3LANGID_CALLS_EGYPTIAN = "غاب حارس مرمى منتخب البرازيل عن تمارين فريقه امس اثر خلاف مع مدرب الفريق"


def test_every_arabic_variety_is_arabic(detect: LanguageDetector, plain: LanguageIdentifier) -> None:
    ranked = plain.rank(MSA_THAT_PY3LANGID_CALLS_EGYPTIAN)
    assert ranked[0][0] == "arz"
    language = detect(MSA_THAT_PY3LANGID_CALLS_EGYPTIAN)
    assert (language.code, language.variety) == ("ar", "arz")
    assert language.confidence == round(sum(p for label, p in ranked if label in {"ar", "arz", "ary"}), 4) > 0.99


def test_the_arabic_varieties_are_the_models_arabic_labels(plain: LanguageIdentifier) -> None:
    """`ar` and the members of the Arabic macrolanguage (ISO 639-3) that py3langid knows; not Maltese
    (`mt`), nor the languages written in Arabic script."""
    assert {label for label in plain.labels if label == "ar" or label.startswith("ar")} == ARABIC_VARIETIES
    assert {"fa", "ur", "ps", "ku", "sdh", "ug", "mt"} <= set(plain.labels) - ARABIC_VARIETIES


def test_msa_and_persian_keep_their_codes_without_a_variety(detect: LanguageDetector) -> None:
    assert detect("عقدت مديرية أمن سرت اجتماعا أمنيا موسعا للغرفة الأمنية المشتركة").variety is None
    persian = detect("بهره\u200cبرداری از این پروژه آغاز شد")
    assert (persian.code, persian.variety) == ("fa", None)


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
def test_same_language_and_confidence_as_py3langid_its_arabic_varieties_as_one(
    detect: LanguageDetector, plain: LanguageIdentifier, text: str
) -> None:
    sample = text[:SAMPLE_CHARS]
    code, probability = plain.classify(sample)
    if code in ARABIC_VARIETIES:
        arabic = sum(p for label, p in plain.rank(sample) if label in ARABIC_VARIETIES)
        assert detect(text) == Language("ar", round(arabic, 4), None if code == "ar" else code)
    else:
        assert detect(text) == Language(code, round(float(probability), 4))
