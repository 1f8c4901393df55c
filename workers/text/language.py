"""Language identification with py3langid's model and scoring, its model mapped from `data/`.

py3langid ships its model inside the package as an xz-compressed npz, which every process would
decompress (about 0.6 s) and hold as Python arrays (about 100 MB). `python -m lab.compile_langid`
stores the same arrays as `.npy` files here, which are mapped: only the automaton rows and feature
weights an article touches are ever read, and the scores are py3langid's own.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import py3langid
from py3langid.langid import LanguageIdentifier

from workers.errors import ModelError
from workers.text.caches import LANGUAGE_WALKS
from workers.text.mapped import open_arrays

UNDETERMINED = "und"
ARABIC = "ar"
#: The model's labels for Arabic (ISO 639-1 `ar`, the macrolanguage) and for the members of the Arabic
#: macrolanguage (ISO 639-3) it knows: Egyptian and Moroccan Arabic. Its other labels are not Arabic,
#: Arabic script notwithstanding (Persian, Urdu, Pashto, Kurdish, Uyghur) or Arabic roots (Maltese).
#: The model tells these varieties apart by spelling habits more than by dialect (a news sentence in
#: Modern Standard Arabic, written without hamzas, is often `arz`): each is Arabic to the pipeline.
ARABIC_VARIETIES = frozenset({ARABIC, "arz", "ary"})
# Language id is linear in the text's length and settles long before the end of an article.
SAMPLE_CHARS = 2_000

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "data"
#: The stored model's metadata: py3langid's version and labels, the arrays' digests.
METADATA_FILE = "langid.json"
#: Feature weights per class, class priors, the automaton's distinct rows, each state's row, each
#: state's emitted feature (py3langid's `ptc`, `pc`, `nextmove`, `nextmove_row`, `out_feat`).
ARRAYS = ("ptc", "pc", "nextmove", "rows", "output")


def array_name(name: str) -> str:
    """The model's array `name` as `text.mapped` stores it (in `<array name>.npy`)."""
    return f"langid.{name}"


@dataclass(frozen=True, slots=True)
class Language:
    """A detected language: ISO 639-1 code (or `und`) and the model's probability for it.

    When the model's likeliest label is an Arabic variety, `code` is `ar`, `confidence` is the
    probability of all the Arabic varieties together, and `variety` names the likeliest one unless
    it is `ar` itself (`arz`, `ary`).
    """

    code: str
    confidence: float
    variety: str | None = None


class _RememberingIdentifier(LanguageIdentifier):
    """py3langid's identifier, its byte automaton walked a word (and the space after it) at a time.

    py3langid walks its automaton over every byte of the text in Python and counts the features
    each state emits. A walk from a given state over given bytes always ends in the same state and
    emits the same features, so each (state, word) walk is remembered: the features come out in the
    same order with the same counts, and the scores are py3langid's own.
    """

    __slots__ = ("_remembered", "_walks")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # state -> word -> (features emitted over the word and the space after it, state reached);
        # forgotten all at once past LANGUAGE_WALKS. The features are kept as a C array: as a list
        # of Python ints they took about 700 bytes a walk.
        self._walks: dict[int, dict[bytes, tuple[array[int], int]]] = {}
        self._remembered = 0

    def _raw_score(self, text: bytes) -> Any:
        visits = self.feature_counts(text)
        return self._sparse_score(visits, self.nb_ptc) if visits else super()._raw_score(text)

    def feature_counts(self, text: bytes) -> Counter[int] | None:
        """The features the automaton emits over `text`, counted in order of first emission."""
        walks = self._walks
        if self._remembered > LANGUAGE_WALKS:
            walks.clear()
            self._remembered = 0
        *words, last = text.split(b" ")
        emitted: list[int] = []
        state = 0
        for word in words:
            from_state = walks.get(state)
            if from_state is None:
                from_state = walks[state] = {}
            walk = from_state.get(word)
            if walk is None:
                walk = from_state[word] = self._walk(state, word + b" ")
                self._remembered += 1
            emitted += walk[0]
            state = walk[1]
        emitted += self._walk(state, last)[0]
        return Counter(emitted) if emitted else None

    def _walk(self, state: int, data: bytes) -> tuple[array[int], int]:
        transitions, rows, outputs = self.tk_nextmove, self._rowbase, self.tk_output
        emitted = array("I")
        for byte in data:
            state = transitions[rows[state] + byte]
            if outputs[state] >= 0:
                emitted.append(outputs[state])
        return emitted, state


class LanguageDetector:
    """Tells Arabic from Persian, Urdu and ~130 other languages by character n-grams."""

    name = f"py3langid-{py3langid.__version__}"

    def __init__(self, identifier: LanguageIdentifier) -> None:
        self._identifier = identifier

    @classmethod
    def load(cls, directory: Path = DEFAULT_MODEL_DIR) -> LanguageDetector:
        """Map the stored model after checking its digests (ModelIntegrityError) and that it is the model
        of the installed py3langid (ModelError otherwise); about 0.1 s, once per process is enough."""
        metadata, arrays = open_arrays(directory, METADATA_FILE, [array_name(name) for name in ARRAYS])
        if metadata.get("py3langid") != py3langid.__version__:
            raise ModelError(
                f"{directory / METADATA_FILE} holds the model of py3langid {metadata.get('py3langid')}, but "
                f"py3langid {py3langid.__version__} is installed: store its model with python -m lab.compile_langid"
            )
        ptc, pc, nextmove, rows, output = (arrays[array_name(name)] for name in ARRAYS)
        # Memoryviews of the automaton: indexing gives Python ints as fast as py3langid's own arrays.
        identifier = _RememberingIdentifier(
            ptc, np.array(pc), metadata["classes"], nextmove.data, output.data, norm_probs=True, tk_row=rows.data
        )
        return cls(identifier)

    def __call__(self, text: str) -> Language:
        """py3langid's likeliest language of `text`; an Arabic variety is reported as Arabic, `ar`, with
        the probability of all the Arabic varieties together."""
        sample = text[:SAMPLE_CHARS]
        if not any(char.isalpha() for char in sample):
            return Language(UNDETERMINED, 0.0)
        ranked = self._identifier.rank(sample)
        label, probability = ranked[0]
        if label not in ARABIC_VARIETIES:
            return Language(label, round(probability, 4))
        arabic = sum(score for variety, score in ranked if variety in ARABIC_VARIETIES)
        return Language(ARABIC, round(min(arabic, 1.0), 4), None if label == ARABIC else label)
