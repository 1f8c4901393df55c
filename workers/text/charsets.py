"""Character classes of the text pipeline, each defined once: what cleaning drops, what normalization
deletes, what tokenization splits off, and the script classes of the entity features.

The symbol classes reproduce the split points of camel-tools' `simple_word_tokenize` (any Unicode
punctuation or symbol character, and any emoji sequence the `emoji` package lists); camel-tools is
not a runtime dependency, it is the oracle the property tests compare these classes against.
"""

from __future__ import annotations

import re
import unicodedata

import regex
from emoji import EMOJI_DATA

# Bidi marks, embeddings and isolates, the zero-width space, word joiner and invisible operators, BOM,
# soft hyphen; C0/C1 controls other than tab and the line breaks (LF, CR, NEL), which whitespace
# normalization turns into LF. Not the joiners (JOINERS): they carry meaning.
INVISIBLE = re.compile(
    "[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]"
)
#: Zero-width non-joiner and joiner. They spell Persian, Urdu and Kurdish words («بهره‌برداری») and
#: join emoji sequences (👨‍👩‍👧), so the published text keeps them; Arabic normalization deletes them.
ZWNJ = "\u200c"
ZWJ = "\u200d"
JOINERS = ZWNJ + ZWJ
#: Joiners with nothing to join: a run of them with whitespace or the end of the text on both sides.
LONE_JOINERS = re.compile(f"(?<!\\S)[{JOINERS}]+(?!\\S)")

#: The Arabic short vowels, tanween, shadda, sukun and the dagger alef: what dediacritization removes.
ARABIC_DIACRITICS = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670")
TATWEEL = "\u0640"
#: Combining madda and hamza, which NFKC composes with the letter before them.
COMBINING_MADDA_HAMZA = re.compile("[\u0653-\u0655]")

ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
LATIN_LETTER = re.compile(r"[A-Za-z]")

# An emoji sequence as Unicode's UTS #51 describes it: a flag (two regional indicators) or an emoji
# with an optional modifier, presentation selector (with keycap) or tag run, joined by ZWJ to more.
_EMOJI_SUFFIX = r"\p{EMod}|\uFE0F\u20E3?|[\U000E0020-\U000E007E]+\U000E007F"
_EMOJI_ELEMENT = rf"\p{{RI}}\p{{RI}}|\p{{Emoji}}(?:{_EMOJI_SUFFIX})?"
_EMOJI_SEQUENCE = rf"(?:{_EMOJI_ELEMENT})(?:\u200D(?:{_EMOJI_ELEMENT}))*"
_KEYCAP = r"[0-9*#]\u20E3"
#: The longest symbol candidate at a position: an emoji sequence, a keycap, or one symbol or punctuation mark.
SYMBOL_CANDIDATE = regex.compile(rf"(?:{_EMOJI_SEQUENCE})|(?:{_KEYCAP})|\p{{S}}|\p{{P}}")
#: The characters a symbol candidate can begin with.
SYMBOL_START = regex.compile(r"[\p{RI}\p{Emoji}0-9*#\p{S}\p{P}]")


def is_symbol(candidate: str) -> bool:
    """True when a symbol candidate is a token of its own: one punctuation or symbol character, or a
    listed emoji sequence (an unlisted one, such as a lone digit matched as an emoji, is not)."""
    if len(candidate) == 1 and unicodedata.category(candidate)[0] in "PS":
        return True
    return candidate in EMOJI_DATA
