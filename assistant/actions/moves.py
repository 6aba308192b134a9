"""Archive, file into a folder, and rename: actions that move an item's file.

Where the item lives decides what "move" means:

* a Maildir message moves into a Maildir++ subfolder of its Maildir
  (``.Archive``, ``.Finance``, ``.Documents.Invoices``, each with cur/new/tmp),
  keeping its file name (and so its flags) and its new/ or cur/ place;
* a standalone .eml file moves into ``Archive/`` (or the folder) beside it;
* a document moves into ``<its source folder>/<folder>`` (the configured
  source that holds it, else its own folder);
* a message inside an mbox file, or an attachment inside a mail, is not moved:
  Sift does not rewrite the user's mailbox (a rewrite can lose mail other
  programs are appending). It is recorded as archived or filed inside Sift
  only, as ``metadata["filed_in"]`` on the item, shown in item lists.

Every move keeps the item's identity: the item's ``source_path`` follows the
file in the same transaction, so the watcher's next scan finds a known item at
a known place (no duplicate, not "gone"). Nothing is overwritten: a taken
name becomes ``name (2).ext``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from assistant.actions.base import Context
from assistant.actions.base import Done
from assistant.actions.base import Request
from assistant.actions.base import Simple
from assistant.actions.base import forget_signal
from assistant.actions.base import free_path
from assistant.actions.base import move_back
from assistant.actions.base import move_file
from assistant.errors import UserError
from assistant.naming import sanitize_name
from assistant.sources import SourceKind
from assistant.sources import is_maildir
from assistant.store_signals import SignalStore
from assistant.types import ActionRecord
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import SignalKind
from assistant.types import SuggestionKind
from assistant.types import Verdict

ARCHIVE = "Archive"
FILED_IN = "filed_in"  # the item's metadata key naming the folder it was filed in


def folder_parts(folder: str) -> list[str]:
    """A folder name (``Documents/Invoices``) as safe path parts below the place it goes.

    The name may be the user's own text: an absolute path (``/etc``, ``C:\\x``,
    ``\\\\server\\share``), a home folder (``~``, ``~bob``) or a step up
    (``..``) would file the item outside its mailbox or source folder, so
    they are refused; each part is then a safe file name (``sanitize_name``).

    Raises:
        UserError: an empty, absolute or escaping name.
    """
    text = folder.strip().replace("\\", "/")
    raw = [p.strip() for p in text.split("/")]
    parts = [p for p in raw if p]
    absolute = text.startswith("/") or bool(re.match(r"^[A-Za-z]:", text))
    escaping = any(p.startswith("~") or not p.strip(".") for p in parts)
    if not parts or absolute or escaping:
        raise UserError(f"not a usable folder name: {folder!r} (give a name like Finance/Bills)")
    return [sanitize_name(p, fallback="Folder") for p in parts]


def maildir_folder(parts: list[str]) -> str:
    """The Maildir++ folder name for ``parts``: ``.A.B``.

    A dot separates levels there, so a dot inside a part (``v1.2``) becomes
    ``_``; otherwise ``v1.2`` would be the nested folder ``v1`` / ``2``.
    """
    return "." + ".".join(p.replace(".", "_") for p in parts)


def maildir_root(path: Path) -> Path | None:
    """The Maildir a message file belongs to (the top one for a ``.Sub`` folder), or None."""
    if path.parent.name not in {"cur", "new"} or not is_maildir(path.parent.parent):
        return None
    root = path.parent.parent
    if root.name.startswith(".") and is_maildir(root.parent):
        root = root.parent
    return root


def source_root(context: Context, path: Path) -> Path:
    """The configured folder source holding ``path`` (the deepest), else its folder."""
    best: Path | None = None
    for source in context.store.sources():
        root = Path(source["path"])
        deeper = best is None or len(root.parts) > len(best.parts)
        if source["kind"] == SourceKind.FOLDER and root in path.parents and deeper:
            best = root
    return best or path.parent


def destination(context: Context, item: Item, folder: str) -> tuple[str, Path | None]:
    """``(mode, target path)`` for filing ``item`` in ``folder``; no path for ``inside``."""
    parts = folder_parts(folder)
    if "#" in item.source_path or not item.source_path:
        return "inside", None
    path = Path(item.source_path)
    if item.kind == ItemKind.MAIL:
        root = maildir_root(path)
        if root is not None:
            sub = root / maildir_folder(parts)
            return "maildir", sub / path.parent.name / path.name
        if path.suffix.lower() == ".eml":
            return "eml", path.parent.joinpath(*parts) / path.name
        return "inside", None
    return "document", source_root(context, path).joinpath(*parts) / path.name


def _set_place(context: Context, item: Item, *, path: str, filed_in: str | None) -> None:
    """Record where an item is now; its attachment items (``<path>#<name>``) follow it."""
    metadata = dict(item.metadata)
    if filed_in is None:
        metadata.pop(FILED_IN, None)
    else:
        metadata[FILED_IN] = filed_in
    store = context.store
    store.update_item(item.id, source_path=path, metadata=json.dumps(metadata, ensure_ascii=False))
    if path != item.source_path:
        old = item.source_path
        # A file keyed by its path is re-keyed, so an edit at the new place updates this
        # item instead of creating a second one (see Intake.store_extracted).
        if context.actions.source_key(item.id) == f"file:{old}":
            store.update_item(item.id, source_key=f"file:{path}")
        for child in store.children(item.id):
            if child.source_path.startswith(f"{old}#"):
                store.update_item(child.id, source_path=path + child.source_path[len(old) :])


def file_item(context: Context, item: Item, folder: str) -> dict[str, Any]:
    """Move (or, inside a mailbox, record) ``item`` into ``folder``; returns the detail."""
    mode, target = destination(context, item, folder)
    before = item.metadata.get(FILED_IN)
    detail: dict[str, Any] = {
        "mode": mode,
        "folder": folder,
        "from": item.source_path,
        "to": item.source_path,
        "filed_in_before": before,
    }
    if target is None:
        _set_place(context, item, path=item.source_path, filed_in=folder)
        return detail
    if mode == "maildir":  # a Maildir++ folder needs all of cur, new and tmp
        created = make_folders(target.parent.parent, ("cur", "new", "tmp"), item=item)
    else:
        created = make_folders(target.parent, (), item=item)
    # An empty .Archive/{cur,new,tmp} left behind shows as a folder in mail programs.
    context.on_failure(lambda: remove_empty(created))
    detail["created_dirs"] = created
    detail["to"] = str(_move(context, item, target, filed_in=folder))
    return detail


def make_folders(folder: Path, subfolders: tuple[str, ...], *, item: Item) -> list[str]:
    """Create ``folder`` and its ``subfolders``; returns those created, outermost first."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    missing.reverse()
    missing += [folder / sub for sub in subfolders if not (folder / sub).exists()]
    try:
        for path in [folder, *(folder / sub for sub in subfolders)]:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        remove_empty([str(p) for p in missing])
        reason = error.strerror or error
        raise UserError(f"cannot move {item.source_path} into {folder}: {reason}") from error
    return [str(p) for p in missing]


def remove_empty(folders: list[str]) -> None:
    """Remove folders Sift created, innermost first, where they are still empty."""
    for folder in reversed(folders):
        try:
            Path(folder).rmdir()  # fails, harmlessly, on anything not empty
        except OSError:
            continue


def _move(context: Context, item: Item, target: Path, *, filed_in: str | None) -> Path:
    """Move the item's file to ``target`` (or a free name beside it) and record its new place.

    The database is written first and the file moved last: if the move fails,
    the caller's transaction rolls the record back; if anything fails after
    it, the move is put back (``Context.on_failure``).
    """
    target = free_path(target)
    _set_place(context, item, path=str(target), filed_in=filed_in)
    source = Path(item.source_path)
    moved = move_file(source, target)
    context.on_failure(lambda: move_back(moved, source))
    if moved != target:  # someone took the free name meanwhile
        _set_place(context, context.store.item(item.id), path=str(moved), filed_in=filed_in)
    return moved


def unfile_item(context: Context, record: ActionRecord) -> str:
    """Undo ``file_item`` / a rename: move the file back and restore the item's place."""
    detail = record.detail
    item = context.store.item(record.item_id)
    moved = detail["mode"] != "inside"
    if moved and item.source_path != detail["to"]:
        raise UserError(
            f"cannot undo: item {item.id} is at {item.source_path} now, not {detail['to']}"
        )
    before = detail.get("filed_in_before")
    restored = None if before is None else str(before)
    _set_place(context, item, path=str(detail["from"]), filed_in=restored)  # database first
    if moved:
        current, original = Path(str(detail["to"])), Path(str(detail["from"]))
        listed = detail.get("created_dirs")
        created = [str(f) for f in listed] if isinstance(listed, list) else []
        move_back(current, original)
        context.on_failure(lambda: _refile(current, original, created))
        remove_empty(created)
    return f"moved back to {detail['from']}" if moved else "unfiled"


def _refile(current: Path, original: Path, created: list[str]) -> None:
    """Put a file moved back by a failed undo where the action had filed it."""
    for folder in created:
        Path(folder).mkdir(parents=True, exist_ok=True)
    move_back(original, current)


class FileInto(Simple):
    """Archive and file into a folder (learned per user from where similar items went)."""

    kinds = (SuggestionKind.ARCHIVE, SuggestionKind.FILE_INTO)

    def perform(self, context: Context, request: Request) -> Done:
        item, suggestion = request.item, request.suggestion
        if suggestion.kind == SuggestionKind.ARCHIVE:
            folder = ARCHIVE
        elif request.edited_text and request.edited_text.strip():
            folder = request.edited_text.strip()
            context.store.add_feedback(
                item_id=item.id,
                suggestion_id=suggestion.id,
                verdict=Verdict.FOLDER,
                correction=folder,
                model_version=suggestion.model_version,
                input_hash=item.content_hash,
            )
        else:
            # What the user saw and accepted; learning already chose it (see folders.py).
            folder = suggestion.payload.get("folder") or "Filed"
        # The implicit signal (the item left the inbox); recorded before the disk step.
        signal_id = SignalStore(context.store).record(item.id, SignalKind.MOVED)
        detail = {**file_item(context, item, folder), "signal_id": signal_id}
        verb = "archived" if folder == ARCHIVE else f"filed under {folder}"
        if detail["mode"] == "inside":
            summary = f"{verb} inside Sift (the mailbox file itself is not rewritten)"
        else:
            summary = f"{verb}: moved {detail['from']} to {detail['to']}"
        return Done(summary, detail)

    def undo(self, context: Context, record: ActionRecord) -> str:
        forget_signal(context, record)
        return unfile_item(context, record)


class Rename(Simple):
    """Rename a document from its content (``2026-03-14 Invoice ACME.pdf``)."""

    kinds = (SuggestionKind.RENAME,)

    def perform(self, context: Context, request: Request) -> Done:
        item = request.item
        if item.kind != ItemKind.DOCUMENT or "#" in item.source_path or not item.source_path:
            raise UserError(f"item {item.id} is not a document file; nothing to rename")
        old = Path(item.source_path)
        wanted = (request.edited_text or "").strip() or request.suggestion.payload.get("name", "")
        if not wanted:
            raise UserError(f"no new name for item {item.id}")
        name = sanitize_name(wanted)
        if not Path(name).suffix and old.suffix:
            name += old.suffix
        detail: dict[str, Any] = {
            "mode": "document",
            "from": str(old),
            "to": str(old),
            "filed_in_before": item.metadata.get(FILED_IN),
        }
        target = free_path(old.with_name(name))
        retitle = item.title == old.name  # the title was just the file name
        if retitle:  # the database first: the move is the last step
            context.store.update_item(item.id, title=target.name)
            detail["title_before"] = item.title
        moved = _move(context, item, target, filed_in=item.metadata.get(FILED_IN))
        detail["to"] = str(moved)
        if retitle and moved != target:  # someone took the free name meanwhile
            context.store.update_item(item.id, title=moved.name)
        return Done(f"renamed {old.name} to {moved.name}", detail)

    def undo(self, context: Context, record: ActionRecord) -> str:
        if "title_before" in record.detail:  # the database first: unfile_item moves last
            context.store.update_item(record.item_id, title=str(record.detail["title_before"]))
        return unfile_item(context, record)
