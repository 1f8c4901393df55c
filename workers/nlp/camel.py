"""camel-tools' text utilities, imported here only, so that a missing camel-tools is one clear error.

camel-tools declares torch and transformers as hard dependencies, yet its charsets, dediacritization,
normalization and word tokenizer need only emoji, regex and six (which Khabar declares itself). It is
therefore installed without its dependencies, by `make setup` and the Dockerfile; a plain
`pip install khabar` does not install it, and importing this module then names the command.
"""

from __future__ import annotations

from workers.errors import MissingDependencyError

CAMEL_TOOLS_REQUIREMENT = "camel-tools==1.6.0"
CAMEL_TOOLS_INSTALL_COMMAND = f"pip install --no-deps {CAMEL_TOOLS_REQUIREMENT}"

try:
    from camel_tools.tokenizers.word import _SYMBOLS_ALL as SYMBOLS
    from camel_tools.tokenizers.word import _SYMBOLS_RE as SYMBOL_PATTERN
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.charsets import AR_DIAC_CHARSET
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
        f"camel-tools is not installed; Khabar uses its text utilities: {CAMEL_TOOLS_INSTALL_COMMAND}"
    ) from error

__all__ = [
    "AR_DIAC_CHARSET",
    "CAMEL_TOOLS_INSTALL_COMMAND",
    "CAMEL_TOOLS_REQUIREMENT",
    "SYMBOLS",
    "SYMBOL_PATTERN",
    "dediac_ar",
    "normalize_alef_ar",
    "normalize_alef_maksura_ar",
    "normalize_teh_marbuta_ar",
    "normalize_unicode",
    "simple_word_tokenize",
]
