from __future__ import annotations

import numpy as np
import pytest

from tests.stories.articles import ORIGINAL, ORIGINAL_TITLE, body, printed_in_other_processes
from workers.stories.shingles import article_shingles, shingle_hashes, token_shingle_hashes, word_form, words
from workers.text.tokenize import split_tokens


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أعلنت", "اعلنت"),  # hamza above
        ("إسرائيل", "اسرائيل"),  # hamza below
        ("الوزارة", "الوزاره"),  # teh marbuta / heh
        ("مستشفى", "مستشفي"),  # alef maksura / ya
        ("وقال", "فقال"),  # another conjunction
        ("للوزارة", "الوزارة"),  # ل + the article
        ("بالوزارة", "الوزارة"),  # ب
        ("مُستشفى", "مستشفى"),  # a diacritic
        ("الجيـــزة", "الجيزة"),  # tatweel
    ],
)
def test_republication_spellings_have_one_form(variant: str, plain: str) -> None:
    assert word_form(variant) == word_form(plain)


def test_punctuation_is_no_word() -> None:
    assert words("قال ، «الوزير» : نعم .") == ["قال", "الوزير", "نعم"]


def test_the_title_and_the_body_are_shingled_apart() -> None:
    apart = shingle_hashes(["وزير الصحة", "يفتتح مستشفى"], 2)
    together = shingle_hashes(["وزير الصحة يفتتح مستشفى"], 2)
    assert len(apart) == 2
    assert len(together) == 3
    assert set(apart.tolist()) < set(together.tolist())


def test_a_text_shorter_than_a_shingle_is_one_shingle() -> None:
    assert len(shingle_hashes(["عاجل"], 3)) == 1
    assert len(shingle_hashes(["", " . "], 3)) == 0


def test_shingles_are_distinct_and_order_aware() -> None:
    hashes = shingle_hashes(["قال الوزير قال الوزير قال الوزير"], 2)
    assert len(hashes) == 2  # «قال الوزير» and «الوزير قال»
    assert len(np.unique(hashes)) == len(hashes)


def test_the_pipelines_tokens_give_the_same_shingles() -> None:
    texts = [ORIGINAL_TITLE, body(ORIGINAL)]
    from_tokens = token_shingle_hashes([split_tokens(text).texts for text in texts])
    assert np.array_equal(from_tokens, shingle_hashes(texts))
    assert np.array_equal(article_shingles(ORIGINAL_TITLE, body(ORIGINAL)), shingle_hashes(texts))


def test_shingles_are_the_same_in_every_process() -> None:
    """BLAKE2b, not Python's salted `hash`: another process with another hash seed computes the same."""
    code = (
        "from workers.stories.shingles import shingle_hashes; "
        "print(shingle_hashes(['وقال الوزير إن المستشفى جديد']).tolist())"
    )
    outputs = printed_in_other_processes(code)
    assert outputs == {f"{shingle_hashes(['وقال الوزير إن المستشفى جديد']).tolist()}\n"}


def test_a_shingle_size_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="shingle size"):
        shingle_hashes(["نص"], 0)
