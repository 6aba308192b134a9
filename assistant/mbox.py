"""Streaming mbox reading, and remembering how far an mbox file has been stored.

``mailbox.mbox`` builds a table of contents of the whole file before the
first message, and Sift used to do that on every ingest. Here the file is
read in bounded chunks, once, from a byte offset: a mailbox that only grew
is read from where the last ingest stopped, and an unchanged one not at all.

Format: a message starts at a line beginning with ``From `` at the start of
the file or after a blank line (mboxo/mboxrd). The blank line before the next
``From `` line belongs to the separator, not to the message, as in
``mailbox.mbox``. Body lines written as ``>From `` (``>>From `` ...) lose one
``>``, mboxrd-style.

Progress lives in the store's meta table under ``mbox:<absolute path>``. A
checkpoint is a message boundary plus a fingerprint of the 4 KiB before it,
so a rewritten file (compacted, a message deleted, replaced) is detected and
read again from the start; identity by Message-ID or content keeps that from
duplicating anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from assistant.store import Store

log = logging.getLogger(__name__)

CHUNK_SIZE = 1 << 20
# Bytes before a boundary that its fingerprint covers.
WINDOW = 4096
# A blank line, then a From_ line: the end of one message, the start of the next.
_SEPARATOR = re.compile(rb"\n\r?\n(?=From )")
_LONGEST_SEPARATOR = len(b"\n\r\nFrom ")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class MboxMessage:
    """One message as read from an mbox file.

    Attributes:
        offset: where its ``From `` line starts.
        end: where the next message starts (or the end of the file).
        raw: the message bytes, without the ``From `` line and the separator,
            ``>From `` lines un-escaped.
        complete: ``False`` for a last message that does not end with a
            newline (cut short, or still being written).
        window: the (up to) 4 KiB of the file that end at ``end``.
    """

    offset: int
    end: int
    raw: bytes
    complete: bool
    window: bytes

    @property
    def end_fingerprint(self) -> str:
        """The fingerprint of the boundary at ``end``."""
        return fingerprint(self.window)


def fingerprint(window: bytes) -> str:
    """Identity of the bytes before a boundary (see ``fingerprint_at``)."""
    return hashlib.sha256(window).hexdigest()


def fingerprint_at(handle: BinaryIO, offset: int) -> str:
    """The fingerprint of the file's (up to) 4 KiB that end at ``offset``."""
    first = max(0, offset - WINDOW)
    handle.seek(first)
    window = handle.read(offset - first)
    return fingerprint(window) if len(window) == offset - first else ""


def unescape(raw: bytes) -> bytes:
    """Undo mboxrd quoting: ``>From `` -> ``From ``, ``>>From `` -> ``>From ``."""
    return _ESCAPED_FROM.sub(rb"\1", raw) if b">From " in raw else raw


def _message(
    buf: bytearray, base: int, start: int, stop: int, end: int, *, complete: bool
) -> MboxMessage:
    """The message whose From line starts at ``buf[start]`` and whose bytes end at ``stop``."""
    line_end = buf.find(b"\n", start, end)
    body = end if line_end < 0 else line_end + 1
    return MboxMessage(
        offset=base + start,
        end=base + end,
        raw=unescape(bytes(buf[body : max(body, stop)])),
        complete=complete,
        window=bytes(buf[max(0, end - WINDOW) : end]),
    )


def _last_stop(buf: bytearray, start: int) -> int:
    """Where the last message's bytes end: before a final blank line, if any."""
    line_end = buf.find(b"\n", start)
    stop = len(buf)
    for blank in (b"\n\n", b"\n\r\n"):
        # The blank line must not be the From line's own line end.
        if buf.endswith(blank) and stop - len(blank) >= line_end >= 0:
            return stop - len(blank) + 1
    return stop


def read_mbox(
    handle: BinaryIO, start: int = 0, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[MboxMessage]:
    """The messages of an open mbox file from ``start``, in bounded chunks.

    Memory holds one message plus a chunk and 4 KiB of history; time is linear
    in the bytes after ``start``.

    Args:
        handle: the file, opened in binary mode.
        start: a message boundary (0, or the ``end`` of an earlier message).
            Anything before the first ``From `` line after it is skipped.
        chunk_size: bytes read at a time.
    """
    base = max(0, start - WINDOW)  # file offset of buf[0]; history for fingerprints
    handle.seek(base)
    buf = bytearray()
    current: int | None = None  # where the current message's From line starts in buf
    search = start - base  # where to look next in buf
    eof = False
    while not eof:
        chunk = handle.read(chunk_size)
        eof = not chunk
        buf += chunk
        if current is None:
            # The first From line at a line start at or after ``search``.
            at_line_start = search == 0 or buf[search - 1 : search] == b"\n"
            if at_line_start and buf.startswith(b"From ", search):
                current = search
            elif (found := buf.find(b"\nFrom ", search)) >= 0:
                current = found + 1
            elif eof:
                return
            else:
                search = max(search, len(buf) - len(b"\nFrom "))
        if current is not None:
            while match := _SEPARATOR.search(buf, max(search, current)):
                next_start = match.end()
                yield _message(buf, base, current, match.start() + 1, next_start, complete=True)
                current = search = next_start
            search = max(current, len(buf) - _LONGEST_SEPARATOR)
            if eof:
                stop = _last_stop(buf, current)
                yield _message(buf, base, current, stop, len(buf), complete=buf.endswith(b"\n"))
        # Drop what was read, keeping the current message and the 4 KiB before it.
        keep_from = (current if current is not None else search) - WINDOW
        if keep_from > chunk_size:
            del buf[:keep_from]
            base += keep_from
            search -= keep_from
            if current is not None:
                current -= keep_from


def iter_mbox(
    path: Path, start: int = 0, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[int, int, bytes]]:
    """``(offset, end, raw message bytes)`` for each message of an mbox file.

    Args:
        path: the mbox file.
        start: a message boundary to start at (0, or an earlier ``end``).
        chunk_size: bytes read at a time.
    """
    with path.open("rb") as handle:
        for message in read_mbox(handle, start, chunk_size=chunk_size):
            yield message.offset, message.end, message.raw


# -- progress -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A message boundary in an mbox file.

    Attributes:
        offset: the boundary (where a message starts, or the end of the file).
        count: how many messages come before it (numbers messages for display).
        fingerprint: ``fingerprint_at(offset)`` when it was recorded.
    """

    offset: int
    count: int
    fingerprint: str


START = Checkpoint(0, 0, fingerprint(b""))


@dataclass(frozen=True, slots=True)
class MboxProgress:
    """How far an mbox file has been stored.

    Attributes:
        done: every message before this boundary is stored.
        size: the file size when this was recorded (a smaller file was rewritten).
        tail: the end of the file's last message, which was handed over to be
            stored under ``tail_key`` but not yet proven stored: it counts once
            an item with that key exists.
        tail_key: the item key of the message between ``done`` and ``tail``.
        tail_complete: whether that message ended with a newline; a cut-short
            last message is read again as soon as the file grows.
    """

    done: Checkpoint
    size: int
    tail: Checkpoint | None = None
    tail_key: str = ""
    tail_complete: bool = True

    def to_json(self) -> str:
        """The meta table value."""
        value: dict[str, object] = {
            "offset": self.done.offset,
            "count": self.done.count,
            "fingerprint": self.done.fingerprint,
            "size": self.size,
        }
        if self.tail is not None:
            value["tail"] = {
                "offset": self.tail.offset,
                "count": self.tail.count,
                "fingerprint": self.tail.fingerprint,
                "key": self.tail_key,
                "complete": self.tail_complete,
            }
        return json.dumps(value)

    @classmethod
    def from_json(cls, text: str) -> MboxProgress | None:
        """Parse a meta table value; ``None`` if it is not one."""
        try:
            value = json.loads(text)
            done = Checkpoint(int(value["offset"]), int(value["count"]), str(value["fingerprint"]))
            tail_value = value.get("tail")
            if not tail_value:
                return cls(done, int(value["size"]))
            tail = Checkpoint(
                int(tail_value["offset"]), int(tail_value["count"]), str(tail_value["fingerprint"])
            )
            return cls(
                done,
                int(value["size"]),
                tail,
                str(tail_value["key"]),
                bool(tail_value["complete"]),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def progress_key(path: Path) -> str:
    """The meta table key for an mbox file."""
    return f"mbox:{path.absolute()}"


def load_mbox_progress(store: Store, path: Path) -> MboxProgress | None:
    """What was recorded for ``path``, if anything (unreadable values count as nothing)."""
    text = store.get_meta(progress_key(path))
    return MboxProgress.from_json(text) if text else None


def record_mbox_progress(store: Store, path: Path, progress: MboxProgress) -> None:
    """Record progress. Call it only once the messages it covers are stored.

    A failure is logged, not raised: unrecorded progress only means those
    messages are read (and merged with their items) again next time.
    """
    # The file may have grown while it was read: the size is at least what was seen.
    seen = progress.tail.offset if progress.tail is not None else progress.done.offset
    progress = replace(progress, size=max(progress.size, seen))
    try:
        store.set_meta(progress_key(path), progress.to_json())
    except sqlite3.Error as error:
        log.warning("cannot record progress in %s: %s", path, error)


def forget_mbox_progress(store: Store, path: Path) -> None:
    """Make the next scan of ``path`` read the whole file (to retry its error items)."""
    record_mbox_progress(store, path, MboxProgress(START, 0))


def _holds(handle: BinaryIO, size: int, checkpoint: Checkpoint) -> bool:
    """The file still has ``checkpoint``: the same bytes before it, a message (or EOF) at it."""
    if checkpoint.offset > size:
        return False
    if fingerprint_at(handle, checkpoint.offset) != checkpoint.fingerprint:
        return False
    if checkpoint.offset == size:
        return True
    handle.seek(checkpoint.offset)
    return handle.read(5) == b"From "


def resume_point(store: Store, path: Path, handle: BinaryIO, size: int) -> Checkpoint:
    """Where to start reading ``path`` (``size`` bytes now) so nothing is missed.

    The recorded tail if its message is stored, else the last boundary known
    to be stored, else the start of the file (new, shrunk or rewritten).
    """
    progress = load_mbox_progress(store, path)
    if progress is None or size < progress.size:
        return START
    tail = progress.tail
    if (
        tail is not None
        and (progress.tail_complete or tail.offset == size)
        and store.item_ids_by_keys([progress.tail_key])
        and _holds(handle, size, tail)
    ):
        return tail
    if _holds(handle, size, progress.done):
        return progress.done
    return START
