"""Exceptions that carry a message meant for the person running the tool.

The library raises these; only the CLI turns them into exit codes.
"""

from __future__ import annotations


class HandoutError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing paragraph."""

    exit_code = 1


class InputError(HandoutError):
    """The input file is missing, empty, binary or cannot be decoded."""

    exit_code = 2


class ConfigError(HandoutError):
    """models.yaml is missing or malformed, or a model name is unknown."""

    exit_code = 3


class ModelLoadError(HandoutError):
    """A model could not be loaded (offline, typo, broken folder)."""

    exit_code = 4


class OutputError(HandoutError):
    """The handout could not be written."""

    exit_code = 5


class EngineError(HandoutError):
    """A translation engine broke its contract (an engine given from Python answered with the wrong texts)."""

    exit_code = 4
