"""Tokens are exact, ordered, non-overlapping spans of any text, the very tokens of camel-tools'
simple_word_tokenize, and sentences partition them."""

from itertools import pairwise

from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given
from hypothesis import strategies as st
from khabar_strategies import THOROUGH, any_text, emoji_and_symbol_text

from workers.nlp.tokenize import sentences, tokenize


@THOROUGH
@given(any_text)
def test_tokens_are_ordered_disjoint_spans_without_whitespace(text: str) -> None:
    tokens = tokenize(text)
    for token in tokens:
        assert text[token.start : token.end] == token.text
        assert token.text
        assert not any(char.isspace() for char in token.text)
    for before, after in pairwise(tokens):
        assert before.end <= after.start


@THOROUGH
@given(any_text)
def test_only_whitespace_lies_outside_tokens(text: str) -> None:
    uncovered = list(text)
    for token in tokenize(text):
        uncovered[token.start : token.end] = [" "] * (token.end - token.start)
    assert all(char.isspace() for char in uncovered)


@THOROUGH
@given(any_text)
def test_sentences_partition_the_token_indices(text: str) -> None:
    tokens = tokenize(text)
    spans = list(sentences(text, tokens))
    assert all(spans)
    assert [index for span in spans for index in span] == list(range(len(tokens)))


@THOROUGH
@given(st.one_of(any_text, emoji_and_symbol_text))
def test_tokens_are_camel_tools_tokens(text: str) -> None:
    assert [token.text for token in tokenize(text)] == simple_word_tokenize(text)
