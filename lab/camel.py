"""camel-tools, the lab's reference for Arabic text: the oracle of the property tests, the benchmark's
floor and the resource builder's tokenizer. Imported here only, so that a missing camel-tools is one
clear error.

camel-tools declares torch and transformers as hard dependencies, yet its text utilities need only
emoji, regex and six, so `make setup` installs it without its dependencies. The runtime does not use it.
"""

from __future__ import annotations

from workers.errors import MissingDependencyError
from workers.text.normalize import remove_tatweel, to_fixed_point

CAMEL_TOOLS_REQUIREMENT = "camel-tools==1.6.0"
CAMEL_TOOLS_INSTALL_COMMAND = f"pip install --no-deps {CAMEL_TOOLS_REQUIREMENT}"

try:
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.charsets import AR_DIAC_CHARSET, EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )
except ModuleNotFoundError as error:
    if error.name is None or error.name.partition(".")[0] != "camel_tools":
        raise
    raise MissingDependencyError(
        f"camel-tools is not installed; the lab compares against its text utilities: {CAMEL_TOOLS_INSTALL_COMMAND}"
    ) from error


def camel_tools_normalize_arabic(text: str) -> str:
    """`workers.text.normalize.normalize_arabic` by camel-tools' own functions, one after the other."""
    return to_fixed_point(text, _camel_tools_once)


def _camel_tools_once(text: str) -> str:
    text = normalize_unicode(text)
    text = dediac_ar(text)
    text = remove_tatweel(text)
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    return normalize_teh_marbuta_ar(text)


__all__ = [
    "AR_DIAC_CHARSET",
    "CAMEL_TOOLS_INSTALL_COMMAND",
    "CAMEL_TOOLS_REQUIREMENT",
    "EMOJI_ALL_CHARSET",
    "UNICODE_PUNCT_SYMBOL_CHARSET",
    "camel_tools_normalize_arabic",
    "simple_word_tokenize",
]
