"""The project's exceptions: one root, so callers can catch Khabar's own failures in one place."""


class KhabarError(Exception):
    """Root of every error Khabar raises on purpose."""


class ConfigurationError(KhabarError):
    """A setting is missing or invalid; the message names the environment variable."""


class BrokerError(KhabarError):
    """The embedded broker could not be started or reached."""


class MissingDependencyError(KhabarError):
    """A package the chosen feature needs is not installed; the message gives the command that installs it."""
