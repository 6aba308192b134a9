"""Sift's own trash: files that would be removed wait here for a grace period.

Sift never deletes a user's file. When an undo removes a draft or event Sift
wrote, or an export would replace an existing file, the file moves into the
data folder's ``trash/`` and is listed in the ``trash`` table; ``purge``
removes only entries older than ``Settings.trash_days``, and ``restore`` puts
an entry back where it came from (never over another file).
"""

from __future__ import annotations

import os
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
        """Move ``path`` into the trash (under a free name) and record it.

        The row is written first and the file moved last, so a failed move
        leaves no row; a caller's transaction that fails later must take the
        file back out (``actions.drafts.trash_written`` registers that).
        """
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = free_path(self._folder / f"{stamp} {path.name}")
        entry_id = self._actions.add_trash(
            original_path=str(path), trash_path=str(target), reason=reason
        )
        try:
            moved = move_file(path, target)
        except BaseException:
            self._actions.delete_trash(entry_id)
            raise
        if moved != target:  # someone took the free name meanwhile
            self._actions.set_trash_path(entry_id, str(moved))
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


def write_replacing(path: Path, data: bytes, trash: Trash, *, reason: str) -> Path:
    """Write ``data`` at ``path``; a file already there goes to Sift's trash, never overwritten.

    The data is written to a hidden temporary file beside ``path`` first (so a
    failed write neither trashes the old file nor leaves half a new one) and
    linked into place, which fails rather than replace a file that appeared
    meanwhile; the temporary file is removed in every case.

    Returns:
        The absolute path written.

    Raises:
        UserError: ``path`` is a folder, or the file cannot be written.
    """
    target = path.expanduser().absolute()
    if target.exists() and not target.is_file():
        raise UserError(f"{target} is a folder, not a file")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        if target.exists():
            trash.put(target, reason=reason)
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some file systems): a checked write instead
            with target.open("xb") as handle:
                handle.write(data)
    except OSError as error:
        raise UserError(f"cannot write {target}: {error.strerror or error}") from error
    finally:
        tmp.unlink(missing_ok=True)
    return target
