"""Cleaning produces the published text: no markup, no invisible marks, LF line ends."""

import pytest

from workers.text.clean import clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>خبر</p><p>عاجل</p>", "خبر\n\nعاجل"),
        ("سطر<br/>سطر", "سطر\nسطر"),
        ("AT&amp;T&nbsp;&#1605;", "AT&T م"),
        ("قبل<script>alert(1)</script>بعد", "قبل بعد"),
        ("<style>p{}</style>نص<!-- تعليق -->", "نص"),
        ("\u200fمرحبا\u200e \u200dعالم\u200c\u200b", "مرحبا عالم"),
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
