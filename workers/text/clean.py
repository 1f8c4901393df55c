"""Clean raw article text into the text that is published and enriched.

Every later step (tokens, entity offsets) indexes the string returned here, so cleaning happens
exactly once, before anything else looks at the text.
"""

from __future__ import annotations

import html
import re

from workers.text.charsets import INVISIBLE, LONE_JOINERS, ZWJ, ZWNJ

# Elements whose content is never article text.
_HIDDEN_ELEMENT = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# Tags that end a line of text when a page is rendered.
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:br|p|div|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<!--.*?-->|<\s*/?\s*[A-Za-z][^<>]*>", re.DOTALL)
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Runs of spaces, tabs and no-break spaces that are not already one plain space (a lone space,
# the common case, is left alone rather than replaced by itself).
_SPACES = re.compile(r"[ \t\u00a0]{2,}|[\t\u00a0]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(?:\n\s*)+")


def strip_markup(text: str) -> str:
    """Remove HTML elements and tags, turning block-level tags into line breaks."""
    if "<" not in text:
        return text
    text = _HIDDEN_ELEMENT.sub(" ", text)
    text = _BLOCK_TAG.sub("\n", text)
    return _ANY_TAG.sub(" ", text)


def remove_invisible(text: str) -> str:
    """Drop bidi marks (RLM, LRM, ...), zero-width spaces, word joiners, BOMs, soft hyphens and control
    characters; keep the zero-width non-joiner and joiner, which spell words and emoji sequences."""
    return INVISIBLE.sub("", text)


def remove_lone_joiners(text: str) -> str:
    """Drop the joiners (ZWNJ, ZWJ) that touch no character: whitespace or an end on both sides."""
    if ZWNJ not in text and ZWJ not in text:
        return text
    return LONE_JOINERS.sub("", text)


def normalize_whitespace(text: str) -> str:
    """Unify line ends to LF, collapse runs of spaces, keep at most one blank line, trim the ends."""
    text = _LINE_BREAK.sub("\n", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def clean_text(text: str) -> str:
    """Markup, HTML entities, invisible marks and CR out; what remains is published as is.

    Every character that carries meaning stays: the zero-width non-joiner of «بهره‌برداری» and the
    joiner of 👨‍👩‍👧 among them (a joiner with nothing on either side to join goes, like a space).
    Escaped markup is article text: «&lt;p&gt;» is decoded once and published as «<p>». Cleaning
    the published text again would strip it, so the pipeline cleans each raw field exactly once.
    """
    text = strip_markup(remove_invisible(text))
    if "&" in text:
        text = remove_invisible(html.unescape(text))
    return normalize_whitespace(remove_lone_joiners(text))
