"""Every error Khabar raises on purpose derives from `KhabarError`, which the CLI turns into one
`khabar: error:` line and exit status 2; anything else is a bug and keeps its traceback."""


class KhabarError(Exception):
    """Root of every error Khabar raises on purpose."""


class ConfigurationError(KhabarError):
    """A setting is missing or invalid; the message names the environment variable."""


class BrokerError(KhabarError):
    """The embedded broker could not be started or reached."""


class MissingDependencyError(KhabarError):
    """A package the chosen feature needs is not installed; the message gives the command that installs it."""


class ModelError(KhabarError):
    """A shipped or configured model cannot be used."""


class ModelIntegrityError(ModelError):
    """The model file is missing or does not match its recorded checksum."""


class ModelFormatError(ModelError):
    """The file is not in the format its tagger reads."""


class NormalizerMismatchError(ModelError):
    """The model or resources were built with another text normalizer than the one running."""


class EnrichmentTimeout(KhabarError):
    """An article took longer than the per-article time limit (checked between sentences)."""
