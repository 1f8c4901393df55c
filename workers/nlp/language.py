"""Language identification with py3langid, whose model ships inside the package (no download)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version

from py3langid.langid import MODEL_FILE, LanguageIdentifier

UNDETERMINED = "und"
# Language id is linear in the text's length and settles long before the end of an article.
SAMPLE_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class Language:
    """A detected language: ISO 639-1 code (or `und`) and the model's probability for it."""

    code: str
    confidence: float


class LanguageDetector:
    """Tells Arabic from Persian, Urdu and ~130 other languages by character n-grams."""

    name = f"py3langid-{version('py3langid')}"

    def __init__(self, identifier: LanguageIdentifier) -> None:
        self._identifier = identifier

    @classmethod
    def load(cls) -> LanguageDetector:
        """Load the bundled model (about half a second); do it once per process."""
        return cls(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))

    def __call__(self, text: str) -> Language:
        sample = text[:SAMPLE_CHARS]
        if not any(char.isalpha() for char in sample):
            return Language(UNDETERMINED, 0.0)
        code, probability = self._identifier.classify(sample)
        return Language(code, round(float(probability), 4))
