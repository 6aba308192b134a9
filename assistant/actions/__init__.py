"""Actions Sift carries out after the user accepts a suggestion, each one undoable.

One module per family: ``moves`` (archive, file into a folder, rename),
``drafts`` (reply and unsubscribe drafts), ``calendar`` (.ics events),
``records`` (reminders, bills, read later, junk verdicts); ``folders`` learns
where items go, ``trash`` keeps what would be removed, and ``registry`` maps
suggestion kinds to handlers and runs accept, log and undo.
"""

from __future__ import annotations

from assistant.actions.registry import HANDLERS
from assistant.actions.registry import Actions
from assistant.actions.trash import Trash

__all__ = ["HANDLERS", "Actions", "Trash"]
