"""Arabic normalization folds spelling variants to one search form."""

import pytest

from workers.text.normalize import normalize_arabic, normalize_arabic_word, normalize_other, remove_tatweel


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عَقَدَتْ مُدِيرِيَّةُ", "عقدت مديريه"),  # diacritics, shadda, teh marbuta
        ("إبراهيم أحمد آمنة ٱلله", "ابراهيم احمد امنه الله"),  # hamza and wasla alef forms
        ("مستشفى", "مستشفي"),  # alef maksura
        ("مديريـــة", "مديريه"),  # tatweel
        ("هٰذا", "هذا"),  # dagger alef goes with the diacritics, not into a new alef
        ("ﻻ ﺑﺪ", "لا بد"),  # presentation forms become plain letters
        ("سرت، ٢٠٢٦", "سرت، ٢٠٢٦"),  # punctuation and Arabic-Indic digits are kept
        ("١٠٠ \ufdfc", "١٠٠ ريال"),  # the rial ligature is spelled out, as camel-tools does
        ("\u0649\u0654 \u0627\u0640\u0654", "ئ ا"),  # a hamza beside a letter after a fold composes with it
        ("بهره\u200cبرداری", "بهرهبرداری"),  # ZWNJ goes: no Arabic word needs it
        ("الأمم\u200d المتحدة\u200c", "الامم المتحده"),  # nor ZWJ
        ("\u0627\u200c\u0653", "ا"),  # gone before NFKC: the madda composes with the alef as without it
    ],
)
def test_normalize_arabic(text: str, expected: str) -> None:
    assert normalize_arabic(text) == expected


def test_word_normalization_is_the_text_normalization() -> None:
    assert normalize_arabic_word("لِوِزَارَةِ") == normalize_arabic("لِوِزَارَةِ") == "لوزاره"


def test_remove_tatweel_keeps_everything_else() -> None:
    assert remove_tatweel("جـمـيـل!") == "جميل!"


def test_other_languages_get_compatibility_normalization_only() -> None:
    assert normalize_other("ﬁne Café") == "fine Café"


def test_a_word_with_joiners_normalizes_as_without_them() -> None:
    """What the entity models see (`normalize_arabic_word`): they were trained on text without joiners."""
    assert normalize_arabic_word("لِوِزَارَةِ\u200c") == normalize_arabic_word("لوزارة") == "لوزاره"
    assert normalize_arabic_word("ال\u200dقاهرة") == normalize_arabic_word("القاهرة")


def test_other_languages_keep_their_joiners() -> None:
    assert normalize_other("بهره\u200cبرداری 👨\u200d👩\u200d👧") == "بهره\u200cبرداری 👨\u200d👩\u200d👧"
