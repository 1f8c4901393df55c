"""Tokens are exact, ordered, non-overlapping spans of any text, the very tokens of camel-tools'
simple_word_tokenize, and sentences partition them."""

from itertools import pairwise

from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import PROPERTY, any_text, emoji_and_symbol_text
from workers.text.tokenize import SENTENCE_END, Tokens, sentences, split_tokens, tokenize


@PROPERTY
@given(any_text)
def test_tokens_are_ordered_disjoint_spans_without_whitespace(text: str) -> None:
    tokens = tokenize(text)
    for token in tokens:
        assert text[token.start : token.end] == token.text
        assert token.text
        assert not any(char.isspace() for char in token.text)
    for before, after in pairwise(tokens):
        assert before.end <= after.start


@PROPERTY
@given(any_text)
def test_only_whitespace_lies_outside_tokens(text: str) -> None:
    uncovered = list(text)
    for token in tokenize(text):
        uncovered[token.start : token.end] = [" "] * (token.end - token.start)
    assert all(char.isspace() for char in uncovered)


@PROPERTY
@given(any_text)
def test_sentences_partition_the_token_indices(text: str) -> None:
    tokens = tokenize(text)
    spans = list(sentences(text, split_tokens(text)))
    assert all(spans)
    assert [index for span in spans for index in span] == list(range(len(tokens)))


@PROPERTY
@given(st.one_of(any_text, emoji_and_symbol_text))
def test_tokens_are_camel_tools_tokens(text: str) -> None:
    tokens = tokenize(text)
    assert [token.text for token in tokens] == simple_word_tokenize(text)
    assert split_tokens(text) == Tokens([t.text for t in tokens], [t.start for t in tokens], [t.end for t in tokens])


@PROPERTY
@given(st.one_of(any_text, st.lists(st.sampled_from(["خبر", ".", "؟", "\n", " ", "\n\n", "،", "x"])).map("".join)))
def test_sentences_end_exactly_after_final_punctuation_or_before_a_line_break(text: str) -> None:
    tokens = tokenize(text)

    def ends_a_sentence(index: int) -> bool:
        following = tokens[index + 1].start if index + 1 < len(tokens) else len(text)
        return tokens[index].text in SENTENCE_END or "\n" in text[tokens[index].end : following]

    for span in sentences(text, split_tokens(text)):
        assert not any(ends_a_sentence(index) for index in span[:-1])
        assert ends_a_sentence(span[-1]) or span[-1] == len(tokens) - 1
