"""Where items come from: folders, mbox files, Maildirs and loose .eml files.

Each source yields ``Incoming`` records: a stable identity (``source_key``), a
display path and a loader. Reading happens in the loader, so one unreadable
file or message becomes one error item and never stops the rest.

Given the store, an mbox file yields only the messages not stored yet: it is
read incrementally (``assistant.mbox``), and its loaders record how far it got.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import mailbox
import os
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from assistant.errors import ExtractionError
from assistant.extract import SUPPORTED_SUFFIXES
from assistant.extract import extract_file
from assistant.mailparse import parse_message
from assistant.mbox import START as MBOX_START
from assistant.mbox import Checkpoint
from assistant.mbox import MboxMessage
from assistant.mbox import MboxProgress
from assistant.mbox import read_mbox
from assistant.mbox import record_mbox_progress
from assistant.mbox import resume_point
from assistant.store import Store
from assistant.types import Extracted

# Editor, office and OS temp files: never items.
IGNORED = ("~$*", "*.part", "*.swp", "*.swx", "*.tmp", ".~lock*", ".DS_Store", "Thumbs.db", "*~")
MBOX_SUFFIXES = frozenset({".mbox", ".mbx"})
# Record mbox progress every this many messages or bytes, whichever comes
# first: each record is one small write, and a crash re-reads at most this much.
CHECKPOINT_MESSAGES = 64
CHECKPOINT_BYTES = 1 << 20


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


def scan_folder(
    root: Path, *, max_bytes: int, store: Store | None = None
) -> Iterator[Incoming | tuple[str, str]]:
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
                yield from scan_mbox(path, store=store)
    yield from errors


def _message_loader(raw: bytes) -> Callable[[], Extracted]:
    return lambda: parse_message(raw)


def _recording_loader(
    raw: bytes,
    record: Callable[[MboxProgress], None],
    progress: MboxProgress,
    source_key: str,
) -> Callable[[], Extracted]:
    """A loader that also records ``progress``: being called proves the messages before are stored.

    For the last message, ``progress`` has a tail, and it is recorded after
    parsing, with ``tail_key`` set to the key the item will be stored under:
    the Message-ID key (as ``Intake.store_extracted`` makes it), or else
    ``source_key`` (as for error items).
    """

    def load() -> Extracted:
        if progress.tail is None:
            record(progress)
            return parse_message(raw)
        item_key = source_key
        try:
            extracted = parse_message(raw)
            if message_id := extracted.metadata.get("message_id"):
                item_key = f"msgid:{message_id}"
            return extracted
        finally:
            record(replace(progress, tail_key=item_key))

    return load


def scan_mbox(path: Path, *, store: Store | None = None) -> Iterator[Incoming | tuple[str, str]]:
    """Every message of an mbox file, or with a ``store``, those not stored yet.

    Messages are keyed by content (``mbox:<path>#<sha256 prefix>``); the
    engine keys those with a Message-ID by it instead. Either way a message
    keeps its identity when the file is compacted or rewritten.

    With a ``store``, the scan starts where the stored progress says (see
    ``assistant.mbox.resume_point``), and progress is recorded by the loaders,
    not by this generator: the consumer may pull messages before it stores the
    ones pulled earlier (the engine stores in batches), but it calls each
    loader while storing that message, after storing the ones before it. So
    loading message *k* records "the messages before *k* are stored" (every
    ``CHECKPOINT_MESSAGES``), inside the engine's transaction for the batch;
    loading the last message records where it ends plus its item key, and that
    counts only once an item with the key exists. A crash before a record
    lands only means re-reading from the previous one; nothing is skipped.
    Loaders must therefore be called in order, once each message before is
    stored (or dropped).
    """
    resolved = path.absolute()
    try:
        handle = resolved.open("rb")
    except OSError as error:
        yield (str(resolved), f"cannot read mbox: {error}")
        return
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            start = resume_point(store, resolved, handle, size) if store else MBOX_START
        except OSError as error:
            yield (str(resolved), f"cannot read mbox: {error}")
            return
        if start.offset >= size:
            return
        yield from _mbox_entries(resolved, handle, start, size, store)


def _mbox_entries(
    resolved: Path, handle: BinaryIO, start: Checkpoint, size: int, store: Store | None
) -> Iterator[Incoming | tuple[str, str]]:
    fallback_date = _mtime_iso(resolved)

    def record(progress: MboxProgress) -> None:
        if store is not None:
            record_mbox_progress(store, resolved, progress)

    def entry(message: MboxMessage, index: int, at: Checkpoint | None, *, last: bool) -> Incoming:
        key = f"mbox:{resolved}#{hashlib.sha256(message.raw).hexdigest()[:16]}"
        load = _message_loader(message.raw)
        if store is not None and at is not None:
            tail = Checkpoint(message.end, index + 1, message.end_fingerprint) if last else None
            progress = MboxProgress(at, size, tail, tail_complete=message.complete)
            load = _recording_loader(message.raw, record, progress, key)
        return Incoming(
            source_key=key,
            source_path=f"{resolved}#{index}",
            load=load,
            item_date=fallback_date,
            raw_size=len(message.raw),
        )

    recorded = start

    def due(message: MboxMessage, before: MboxMessage | None, index: int) -> Checkpoint | None:
        """The boundary at ``message``'s start, if it is time to record one."""
        nonlocal recorded
        if before is None or (
            index - recorded.count < CHECKPOINT_MESSAGES
            and message.offset - recorded.offset < CHECKPOINT_BYTES
        ):
            return None
        recorded = Checkpoint(message.offset, index, before.end_fingerprint)
        return recorded

    # One message is held back: the last one is handed over differently.
    held: MboxMessage | None = None
    before: MboxMessage | None = None
    index = start.count
    try:
        for message in read_mbox(handle, start.offset):
            if held is not None:
                yield entry(held, index, due(held, before, index), last=False)
                before, index = held, index + 1
            held = message
    except OSError as error:
        if held is not None:
            yield entry(held, index, None, last=False)
            index += 1
        yield (f"{resolved}#{index}", f"cannot read mbox: {error}")
        return
    if held is not None:
        at = start if before is None else Checkpoint(held.offset, index, before.end_fingerprint)
        yield entry(held, index, at, last=True)


MAILDIR_FLAGS = {"S": "seen", "R": "replied", "F": "flagged", "T": "trashed", "D": "draft"}


def maildir_flags(relative: str) -> dict[str, str]:
    """Metadata from a Maildir file name: its folder (new/cur) and its flags.

    ``cur/1700000000.M1P2.host:2,RS`` is in cur/, seen and replied to.
    """
    folder = relative.split("/", 1)[0]
    info = relative.rsplit(":2,", 1)[1] if ":2," in relative else ""
    flags = "".join(sorted(ch for ch in info if ch in MAILDIR_FLAGS))
    metadata = {"maildir_folder": folder, "maildir_flags": flags}
    metadata.update({MAILDIR_FLAGS[ch]: "yes" for ch in flags})
    return metadata


def _maildir_loader(raw: bytes, extra: dict[str, str]) -> Callable[[], Extracted]:
    def load() -> Extracted:
        extracted = parse_message(raw)
        return dataclasses.replace(extracted, metadata={**extracted.metadata, **extra})

    return load


def scan_maildir(path: Path) -> Iterator[Incoming | tuple[str, str]]:
    """Every message in a Maildir's new/ and cur/, with its flags as metadata."""
    resolved = path.absolute()
    box = mailbox.Maildir(resolved, factory=None, create=False)
    for key in sorted(box.keys()):
        try:
            raw = box.get_bytes(key)
            relative = box._lookup(key)  # noqa: SLF001 - the file's name carries the flags
        except (OSError, mailbox.Error, KeyError) as error:
            yield (f"{resolved}/{key}", f"cannot read message: {error}")
            continue
        message_path = resolved / relative
        yield Incoming(
            source_key=f"maildir:{resolved}/{key}",
            source_path=str(message_path),
            load=_maildir_loader(raw, maildir_flags(relative)),
            item_date=_mtime_iso(message_path),
            raw_size=len(raw),
        )


def scan(
    path: Path, *, max_bytes: int, store: Store | None = None
) -> Iterator[Incoming | tuple[str, str]]:
    """Everything a path holds, whatever kind of source it is.

    Yields ``Incoming`` records, or ``(path, reason)`` for what cannot even be
    listed (a missing path, an unreadable folder).

    Args:
        path: a file, folder, mbox file or Maildir.
        max_bytes: size limit for documents.
        store: where mbox files' reading progress is kept; with it, an mbox
            file yields only what is not stored yet (see ``scan_mbox``).
    """
    if not path.exists():
        yield (str(path), "no such file or folder")
        return
    kind = kind_of(path)
    if kind == SourceKind.MAILDIR:
        yield from scan_maildir(path)
    elif kind == SourceKind.FOLDER:
        yield from scan_folder(path, max_bytes=max_bytes, store=store)
    elif kind == SourceKind.MBOX:
        yield from scan_mbox(path, store=store)
    elif path.suffix.lower() in SUPPORTED_SUFFIXES:
        yield file_incoming(path, max_bytes=max_bytes)
    else:
        yield (str(path), f"unsupported format: {path.suffix or 'no suffix'}")


def failed(reason: str) -> Callable[[], Extracted]:
    """A loader that fails with ``reason`` (for listing errors)."""

    def load() -> Extracted:
        raise ExtractionError(reason)

    return load
