"""Choose the entity tagger from configuration: the shipped CRF (default), the shipped BiLSTM-CRF
(`neural`: about 1 F1 point better on ANERcorp test, a third of the CRF's speed), or camel-tools BERT.

The last two need torch (and camel-bert also transformers and camel-tools' own dependencies), which the
default install leaves out: they come with the extras `khabar[neural]` and `khabar[bert]`, and are
imported only when their backend is chosen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workers.errors import ConfigurationError, MissingDependencyError
from workers.ner import EntityTagger
from workers.ner.bert import CamelBertTagger
from workers.ner.crf import CrfTagger
from workers.ner.institutions import InstitutionTagger
from workers.ner.places import PlaceTagger
from workers.ner.resources import Resources
from workers.ner.titles import TitledPersonTagger
from workers.settings import ENVIRONMENT, TAGGERS


@contextlib.contextmanager
def _backend_extra(backend: str, extra: str) -> Iterator[None]:
    """Turn a package missing while loading `backend` into an error that names the extra to install."""
    try:
        yield
    except ModuleNotFoundError as error:
        if error.name is None or error.name.partition(".")[0] == "workers":
            raise
        raise MissingDependencyError(
            f"{ENVIRONMENT['tagger']}={backend} needs the {extra!r} extra ({error.name} is not installed): "
            f"pip install 'khabar[{extra}]'"
        ) from error


def load_tagger(backend: str, model_path: Path | None) -> EntityTagger:
    """Load the tagger `backend`; `model_path` is optional for the CRF and required for camel-bert."""
    if backend == "crf":
        return CrfTagger.load(model_path)
    if backend == "neural":
        with _backend_extra(backend, "neural"):
            from workers.ner.neural import NeuralTagger

        return NeuralTagger.load(model_path)
    if backend == "camel-bert":
        if model_path is None:
            raise ConfigurationError(
                f"the camel-bert tagger needs a model directory: set {ENVIRONMENT['tagger_model']} to the "
                "directory of an installed camel-tools NER model (`camel_data -i ner-arabert`)"
            )
        try:
            with _backend_extra(backend, "bert"):
                return CamelBertTagger.load(model_path)
        except FileNotFoundError as error:
            raise ConfigurationError(f"{ENVIRONMENT['tagger_model']}: {error}") from error
    raise ConfigurationError(f"{ENVIRONMENT['tagger']} must be one of {', '.join(TAGGERS)}, got {backend!r}")


@dataclass(frozen=True, slots=True)
class RuleLayers:
    """Which rule layers wrap the model: all of them in the pipeline; the lab can leave some out."""

    titles: bool = True
    places: bool = True
    institutions: bool = True

    @property
    def names(self) -> list[str]:
        return [name for name in ("titles", "places", "institutions") if getattr(self, name)]


NO_RULE_LAYERS = RuleLayers(titles=False, places=False, institutions=False)


def with_rule_layers(model: EntityTagger, resources: Resources, layers: RuleLayers = RuleLayers()) -> EntityTagger:
    """`model` with the chosen rule layers over it: persons after ranks and places after place nouns
    first, so that institutions' names stop where those persons begin and may hold those places."""
    tagger = TitledPersonTagger(model) if layers.titles else model
    tagger = PlaceTagger(tagger, resources) if layers.places else tagger
    return InstitutionTagger(tagger, resources) if layers.institutions else tagger
