"""Refusals of a loop action. The message is written for the person who tried (Chinese, through
gettext) and is shown as is; a refused action changes nothing (its transaction is rolled back)."""

from __future__ import annotations


class LoopError(Exception):
    """A refused action: `message` is shown to the user as is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class StaleState(LoopError):
    """The object moved on under the caller (a double click, a colleague was quicker)."""


class NotAllowed(LoopError):
    """The actor's role or data scope does not allow this action on this object (views answer 403)."""


class AppendOnly(LoopError):
    """An attempt to change or delete an event row: the timeline is append-only."""
