"""Typed errors raised by the engine.

``SiftError`` is the root. ``UserError`` marks problems with the environment
or the input (a missing model, an unreadable file, a locked database): the CLI
and GUI show them as messages. Anything else that escapes is a bug and goes to
the crash report.
"""

from __future__ import annotations


class SiftError(Exception):
    """Root of every error Sift raises on purpose."""


class UserError(SiftError):
    """The environment's or the input's fault, shown to the user as is."""


class ExtractionError(UserError):
    """One file or message could not be turned into text.

    The item is stored in the error state with this message as its reason;
    nothing else is affected.
    """


class ModelError(UserError):
    """A model could not be found, verified or loaded."""


class NotFoundError(UserError):
    """An item, suggestion, source or category id that does not exist."""
