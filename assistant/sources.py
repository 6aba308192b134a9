"""Where items come from: folders, mbox files, Maildirs and loose .eml files.

Each source yields ``Incoming`` records: a stable identity (``source_key``), a
display path and a loader. Reading happens in the loader, so one unreadable
file or message becomes one error item and never stops the rest.
"""

from __future__ import annotations

import fnmatch
import mailbox
import os
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from assistant.errors import ExtractionError
from assistant.extract import SUPPORTED_SUFFIXES
from assistant.extract import extract_file
from assistant.mailparse import parse_message
from assistant.types import Extracted

# Editor, office and OS temp files: never items.
IGNORED = ("~$*", "*.part", "*.swp", "*.swx", "*.tmp", ".~lock*", ".DS_Store", "Thumbs.db", "*~")
MBOX_SUFFIXES = frozenset({".mbox", ".mbx"})


class SourceKind:
    """Names of source kinds (stored as text)."""

    FOLDER = "folder"
    MBOX = "mbox"
    MAILDIR = "maildir"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing to ingest, not yet read.

    Attributes:
        source_key: stable identity (a file path, or a mailbox position).
        source_path: what to show the user.
        load: reads and extracts it; raises ``ExtractionError`` on failure.
        item_date: fallback date (file mtime) when the content has none.
        raw_size: bytes, for limits and progress.
    """

    source_key: str
    source_path: str
    load: Callable[[], Extracted]
    item_date: str
    raw_size: int = 0


def is_ignored(path: Path) -> bool:
    """Temp and OS junk files that are never ingested."""
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in IGNORED)


def is_maildir(path: Path) -> bool:
    """A folder with cur/ and new/ subfolders."""
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def is_mbox(path: Path) -> bool:
    """An mbox file: by suffix, or a suffix-less file starting with ``From ``."""
    if path.suffix.lower() in MBOX_SUFFIXES:
        return True
    if path.suffix or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def kind_of(path: Path) -> str:
    """Which source kind a path is."""
    if is_maildir(path):
        return SourceKind.MAILDIR
    if path.is_dir():
        return SourceKind.FOLDER
    if is_mbox(path):
        return SourceKind.MBOX
    return SourceKind.FILE


def _mtime_iso(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    except OSError:
        return datetime.now(UTC).isoformat()


def file_incoming(path: Path, *, max_bytes: int) -> Incoming:
    """An ``Incoming`` for one document or .eml file."""
    resolved = path.absolute()
    try:
        size = resolved.stat().st_size
    except OSError:
        size = 0
    return Incoming(
        source_key=f"file:{resolved}",
        source_path=str(resolved),
        load=lambda: extract_file(resolved, max_bytes=max_bytes),
        item_date=_mtime_iso(resolved),
        raw_size=size,
    )


def scan_folder(root: Path, *, max_bytes: int) -> Iterator[Incoming | tuple[str, str]]:
    """Every supported file below ``root``; ``(path, reason)`` for unreadable folders.

    Symlinked folders are not followed, so a symlink loop cannot trap the scan.
    """
    errors: list[tuple[str, str]] = []

    def on_error(error: OSError) -> None:
        errors.append((str(error.filename), error.strerror or str(error)))

    for directory, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(directory) / name
            if is_ignored(path) or name.startswith("."):
                continue
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield file_incoming(path, max_bytes=max_bytes)
            elif is_mbox(path):
                yield from scan_mbox(path)
    yield from errors


def _message_loader(raw: bytes) -> Callable[[], Extracted]:
    return lambda: parse_message(raw)


def scan_mbox(path: Path) -> Iterator[Incoming | tuple[str, str]]:
    """Every message of an mbox file, keyed by file and position."""
    resolved = path.absolute()
    try:
        box = mailbox.mbox(resolved, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as error:
        yield (str(resolved), f"cannot read mbox: {error}")
        return
    fallback_date = _mtime_iso(resolved)
    try:
        for index, key in enumerate(keys):
            try:
                raw = box.get_bytes(key)
            except (OSError, mailbox.Error, ValueError) as error:
                yield (f"{resolved}#{index}", f"cannot read message {index}: {error}")
                continue
            yield Incoming(
                source_key=f"mbox:{resolved}#{index}",
                source_path=f"{resolved}#{index}",
                load=_message_loader(raw),
                item_date=fallback_date,
                raw_size=len(raw),
            )
    finally:
        box.close()


def scan_maildir(path: Path) -> Iterator[Incoming | tuple[str, str]]:
    """Every message in a Maildir's new/ and cur/."""
    resolved = path.absolute()
    box = mailbox.Maildir(resolved, factory=None, create=False)
    for key in sorted(box.keys()):
        try:
            raw = box.get_bytes(key)
            message_path = resolved / box._lookup(key)  # noqa: SLF001 - the file path for display
        except (OSError, mailbox.Error, KeyError) as error:
            yield (f"{resolved}/{key}", f"cannot read message: {error}")
            continue
        yield Incoming(
            source_key=f"maildir:{resolved}/{key}",
            source_path=str(message_path),
            load=_message_loader(raw),
            item_date=_mtime_iso(message_path),
            raw_size=len(raw),
        )


def scan(path: Path, *, max_bytes: int) -> Iterator[Incoming | tuple[str, str]]:
    """Everything a path holds, whatever kind of source it is.

    Yields ``Incoming`` records, or ``(path, reason)`` for what cannot even be
    listed (a missing path, an unreadable folder).
    """
    if not path.exists():
        yield (str(path), "no such file or folder")
        return
    kind = kind_of(path)
    if kind == SourceKind.MAILDIR:
        yield from scan_maildir(path)
    elif kind == SourceKind.FOLDER:
        yield from scan_folder(path, max_bytes=max_bytes)
    elif kind == SourceKind.MBOX:
        yield from scan_mbox(path)
    elif path.suffix.lower() in SUPPORTED_SUFFIXES:
        yield file_incoming(path, max_bytes=max_bytes)
    else:
        yield (str(path), f"unsupported format: {path.suffix or 'no suffix'}")


def failed(reason: str) -> Callable[[], Extracted]:
    """A loader that fails with ``reason`` (for listing errors)."""

    def load() -> Extracted:
        raise ExtractionError(reason)

    return load
