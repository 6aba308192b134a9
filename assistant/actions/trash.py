"""Sift's own trash: files that would be removed wait here for a grace period.

Sift never deletes a user's file. When an undo removes a draft or event Sift
wrote, or an export would replace an existing file, the file moves into the
data folder's ``trash/`` and is listed in the ``trash`` table; ``purge``
removes only entries older than ``Settings.trash_days``, and ``restore`` puts
an entry back where it came from (never over another file).
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from assistant.actions.base import free_path
from assistant.actions.base import move_file
from assistant.errors import UserError
from assistant.paths import Paths
from assistant.store_actions import ActionStore
from assistant.types import TrashEntry


class Trash:
    """The trash folder and its table.

    Args:
        paths: Sift's folders (the trash is ``paths.trash``).
        actions: the action tables.
        days: the grace period.
    """

    def __init__(self, paths: Paths, actions: ActionStore, *, days: int) -> None:
        self._folder = paths.trash
        self._actions = actions
        self._days = days

    def put(self, path: Path, *, reason: str) -> TrashEntry:
        """Move ``path`` into the trash (under a free name) and record it."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = free_path(self._folder / f"{stamp} {path.name}")
        moved = move_file(path, target)
        entry_id = self._actions.add_trash(
            original_path=str(path), trash_path=str(moved), reason=reason
        )
        return self._actions.trash_entry(entry_id)

    def entries(self) -> list[TrashEntry]:
        """What is in the trash, oldest first."""
        return self._actions.trash()

    def restore(self, entry_id: int) -> Path:
        """Put an entry back where it was; refuses if that place is taken."""
        entry = self._actions.trash_entry(entry_id)
        original, held = Path(entry.original_path), Path(entry.trash_path)
        if original.exists():
            raise UserError(f"cannot restore: {original} exists; nothing was changed")
        if not held.is_file():
            raise UserError(f"cannot restore: {held} is no longer in the trash")
        move_file(held, original)
        self._actions.delete_trash(entry_id)
        return original

    def purge(self, now: datetime | None = None) -> list[TrashEntry]:
        """Remove entries older than the grace period; returns those removed."""
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        cutoff = moment - timedelta(days=self._days)
        removed = []
        for entry in self.entries():
            if datetime.fromisoformat(entry.trashed_at) > cutoff:
                continue
            held = Path(entry.trash_path)
            try:
                held.unlink(missing_ok=True)
            except OSError as error:
                raise UserError(f"cannot remove {held} from the trash: {error}") from error
            self._actions.delete_trash(entry.id)
            removed.append(entry)
        return removed
