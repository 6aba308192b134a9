"""Keeping the engine thread interruptible: work in time slices, tokens in batches.

The engine thread runs one job at a time. Long work (the queue after an
ingest) runs in slices of ``SLICE_SECONDS`` that re-post themselves, so an
Accept queued meanwhile waits for one slice, not for the whole ingest.
Streamed tokens are grouped so the GUI thread gets a few signals a second,
not one per token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

SLICE_SECONDS = 0.15  # queue work per slice, so queued feedback runs in between
TOKEN_BATCH_SECONDS = 0.05  # streamed summary tokens are sent at most this often


class SliceEvent(threading.Event):
    """A cancel event that is also set once a time slice is used up.

    The pipeline checks ``cancel.is_set()`` between batches; this makes it
    stop after the batch in progress, so the worker can run queued feedback
    and then continue where the persistent job queue left off.
    """

    def __init__(self, stop: threading.Event, seconds: float) -> None:
        super().__init__()
        self._stop = stop
        self._deadline = time.monotonic() + seconds
        self._checked = False

    def is_set(self) -> bool:
        if self._stop.is_set():
            return True
        if not self._checked:
            self._checked = True  # the first check lets one batch run: progress is certain
            return False
        return time.monotonic() >= self._deadline


class TokenBatcher:
    """Collects streamed tokens and hands them on at most every ``seconds``."""

    def __init__(self, send: Callable[[str], None], seconds: float = TOKEN_BATCH_SECONDS) -> None:
        self._send = send
        self._seconds = seconds
        self._parts: list[str] = []
        self._last = time.monotonic()

    def add(self, token: str) -> None:
        self._parts.append(token)
        if time.monotonic() - self._last >= self._seconds:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._send("".join(self._parts))
            self._parts = []
        self._last = time.monotonic()
