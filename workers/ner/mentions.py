"""An entity's span as a reader would draw it: after the proclitic that its normal form took off.

The tagger tags whole tokens, so a tagged span begins with the token's proclitic: «والزرقاء»,
«لوزارة الداخلية». The span published starts after it («الزرقاء», «وزارة الداخلية») and the
proclitic is kept beside it, as written. Which proclitics are real is not decided here: it is the
reading `workers.ner.normal_form.split_proclitic` gave for the normal form, so `normalized` and the
span always agree («بغداد» stays whole in both).

The written token is mapped character by character, never by the normalized form's length: the
proclitic is its letters plus the diacritics and tatweel written on them («وَ» of «وَالزَّرْقَاء»).

«لل» (ل + the article, its alef elided: «للوزارة») keeps its lams: the name as written cannot be drawn
without the second lam, which is the article's, and taking off one «ل» would leave «لوزارة», which
reads as ل + an indefinite «وزارة», a proclitic still in view and a word the text does not contain.
So only what comes before the «لل» is taken off: «وللوزارة» becomes «للوزارة» (proclitic «و»), and
«للوزارة» stays whole with no proclitic recorded (its `normalized` is still «الوزاره»).
"""

from __future__ import annotations

from workers.text.clitics import Reading
from workers.text.normalize import normalize_arabic_word


def drawn_clitics(reading: Reading | None) -> str:
    """The normalized proclitic letters a span leaves out: the reading's, but for the lam of «لل»."""
    if reading is None:
        return ""
    return reading.clitics[:-1] if reading.elided else reading.clitics


def written_proclitic(token: str, reading: Reading | None) -> str:
    """The start of the written `token` that spells the proclitic of `reading`; "" to keep it whole.

    `reading` is what the normal form took off `token` normalized. The proclitic is the longest
    prefix of `token` that normalizes to the proclitic's letters (so the diacritics and tatweel
    written on them go with it) while the rest normalizes to the rest of the normalized token; when
    no prefix splits the token that way (a letter composed across the cut), the token stays whole.
    """
    letters = drawn_clitics(reading)
    if not letters:
        return ""  # most entities: nothing taken off
    normalized = normalize_arabic_word(token)
    if not normalized.startswith(letters):
        return ""
    rest = normalized[len(letters) :]
    cut = 0
    for end in range(1, len(token)):
        prefix = normalize_arabic_word(token[:end])
        if len(prefix) > len(letters):
            break
        if prefix == letters and normalize_arabic_word(token[end:]) == rest:
            cut = end
    return token[:cut]
