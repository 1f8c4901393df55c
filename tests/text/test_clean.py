"""Cleaning produces the published text: no markup, no invisible marks, LF line ends, and every
character that carries meaning (the zero-width non-joiner and joiner among them) as written."""

import pytest

from workers.text.clean import clean_text
from workers.text.tokenize import split_tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>خبر</p><p>عاجل</p>", "خبر\n\nعاجل"),
        ("سطر<br/>سطر", "سطر\nسطر"),
        ("AT&amp;T&nbsp;&#1605;", "AT&T م"),
        ("قبل<script>alert(1)</script>بعد", "قبل بعد"),
        ("<style>p{}</style>نص<!-- تعليق -->", "نص"),
        ("\u200fمرحبا\u200e \u200b\u2060عالم\u200b", "مرحبا عالم"),  # RLM, LRM, zero-width space, word joiner
        ("\u200dعالم\u200c\u200b", "\u200dعالم\u200c"),  # joiners beside a letter are kept
        ("مرحبا \u200c\u200d \u200fعالم \u200c", "مرحبا عالم"),  # joiners with nothing to join are not
        ("\u202bنص\u202c\u2067ع\u2069\u00ad", "نصع"),  # embeddings, isolates and the soft hyphen
        ("سطر\r\nثان\rثالث", "سطر\nثان\nثالث"),
        ("  كثير    من   المسافات  ", "كثير من المسافات"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
        ("\ufeffنص\x00", "نص"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_cleaning_is_idempotent() -> None:
    once = clean_text("<b>مرحبا</b>&amp;\u200f\r\n  نص")
    assert clean_text(once) == once


@pytest.mark.parametrize(
    "word",
    [
        "بهره\u200cبرداری",  # Persian: «exploitation», its two parts kept apart by a ZWNJ
        "می\u200cشود",  # Persian: the verbal prefix «می» before its verb
        "کتاب\u200cها",  # Persian: a plural suffix
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # 👨‍👩‍👧, one emoji joined by ZWJ
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # 🏳️‍🌈
    ],
)
def test_joiners_are_published_as_written(word: str) -> None:
    assert clean_text(f"<p>\u200f{word} {word}\u200e.</p>") == f"{word} {word}."


def test_a_joiner_written_as_an_entity_is_kept() -> None:
    assert clean_text("می&zwnj;شود &#x200d; &#8204;x") == "می\u200cشود \u200cx"


def test_the_family_emoji_is_one_token_of_the_published_text() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert split_tokens(clean_text(f"عائلة{family}سعيدة")).texts == ["عائلة", family, "سعيدة"]
