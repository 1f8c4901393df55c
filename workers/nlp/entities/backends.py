"""Choose the entity tagger from configuration: the shipped CRF (default), the shipped BiLSTM-CRF
(`neural`: about 1 F1 point better on ANERcorp test, a third of the CRF's speed), or camel-tools BERT."""

from __future__ import annotations

from pathlib import Path

from workers.errors import ConfigurationError
from workers.nlp.entities import EntityTagger
from workers.nlp.entities.bert import CamelBertTagger
from workers.nlp.entities.tagger import CrfTagger
from workers.settings import ENVIRONMENT, TAGGERS


def load_tagger(backend: str, model_path: Path | None) -> EntityTagger:
    """Load the tagger `backend`; `model_path` is optional for the CRF and required for camel-bert."""
    if backend == "crf":
        return CrfTagger.load(model_path)
    if backend == "neural":
        from workers.nlp.entities.neural import NeuralTagger  # imports torch: only when chosen

        return NeuralTagger.load(model_path)
    if backend == "camel-bert":
        if model_path is None:
            raise ConfigurationError(
                f"the camel-bert tagger needs a model directory: set {ENVIRONMENT['tagger_model']} to the "
                "directory of an installed camel-tools NER model (`camel_data -i ner-arabert`)"
            )
        try:
            return CamelBertTagger.load(model_path)
        except FileNotFoundError as error:
            raise ConfigurationError(f"{ENVIRONMENT['tagger_model']}: {error}") from error
    raise ConfigurationError(f"{ENVIRONMENT['tagger']} must be one of {', '.join(TAGGERS)}, got {backend!r}")
