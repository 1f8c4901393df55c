"""Language identification tells Arabic from Persian and Urdu, says `und` when there is no text,
and gives exactly py3langid's answers, but for Arabic: every variety of it is `ar`, its variety said."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid import langid
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier, visit_counts

from workers.errors import ModelError, ModelIntegrityError
from workers.text.language import (
    ARABIC_VARIETIES,
    DEFAULT_MODEL_DIR,
    METADATA_FILE,
    SAMPLE_CHARS,
    Language,
    LanguageDetector,
    array_name,
)
from workers.text.mapped import file_sha256


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


def test_the_stored_model_holds_py3langids_own_arrays(detect: LanguageDetector, plain: LanguageIdentifier) -> None:
    """The mapped arrays are py3langid's, number for number (`python -m lab.compile_langid` stored them)."""
    mapped = detect._identifier
    assert mapped.nb_classes == plain.nb_classes
    assert mapped.nb_ptc.dtype == plain.nb_ptc.dtype and np.array_equal(mapped.nb_ptc, plain.nb_ptc)
    assert np.array_equal(mapped.nb_pc, plain.nb_pc)
    assert mapped._rowbase == plain._rowbase
    assert mapped.tk_nextmove.tolist() == plain.tk_nextmove.tolist()
    assert mapped.tk_output.tolist() == plain.tk_output


def copy_of_stored_model(directory: Path) -> Path:
    for path in DEFAULT_MODEL_DIR.glob("langid.*"):
        shutil.copy(path, directory / path.name)
    return directory


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    directory = copy_of_stored_model(tmp_path)
    path = directory / f"{array_name('pc')}.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=r"langid\.pc\.npy has sha256"):
        LanguageDetector.load(directory)


def test_the_model_of_another_py3langid_is_refused(tmp_path: Path) -> None:
    directory = copy_of_stored_model(tmp_path)
    metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    (directory / METADATA_FILE).write_text(json.dumps({**metadata, "py3langid": "0.0.1"}), encoding="utf-8")
    with pytest.raises(ModelError, match=r"py3langid 0\.0\.1.*lab\.compile_langid"):
        LanguageDetector.load(directory)


def test_the_stored_model_is_of_the_installed_py3langid() -> None:
    """Its source file's digest: the stored arrays come from the model py3langid ships today."""
    metadata = json.loads((DEFAULT_MODEL_DIR / METADATA_FILE).read_text(encoding="utf-8"))
    assert metadata["source_sha256"] == file_sha256(MODEL_DIR / MODEL_FILE)


def test_loading_decompresses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored arrays are mapped: py3langid's own loader (0.5 s of xz and 100 MB) is never called."""

    def refuse(*args: object) -> None:
        raise AssertionError("py3langid's model file was read")

    monkeypatch.setattr(langid, "_load_model_file", refuse)
    assert LanguageDetector.load()("هذا خبر عن الاجتماع في سرت").code == "ar"
