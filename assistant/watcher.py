"""Watch sources for changes (watchdog) and release paths once they are stable.

The watchdog handler runs on the observer's thread and only records
``(path, time)``. ``StabilityTracker`` releases a path after it has had no
events for ``delay`` seconds and its size and mtime stopped changing, so a
file still being written is read once, complete. Temp files are ignored.

Large trees can exhaust the kernel's inotify limits (``max_user_watches``,
one per folder; ``max_user_instances``). A source that hits them is watched
by polling instead, and listed in ``Watcher.polled`` for the UI to mention.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from assistant.sources import SourceKind
from assistant.sources import is_ignored

log = logging.getLogger(__name__)

# inotify_add_watch: ENOSPC = max_user_watches reached; inotify_init: EMFILE =
# max_user_instances (or the process's file descriptors), ENFILE = the system's.
_WATCH_LIMITS = frozenset({errno.ENOSPC, errno.EMFILE, errno.ENFILE})


@dataclass(slots=True)
class _Pending:
    last_event: float
    size: int
    mtime: float


def _stat(path: Path) -> tuple[int, float] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime


class StabilityTracker:
    """Debounces file events until a file is complete.

    Args:
        delay: seconds without events and without size/mtime change.
        clock: time source (tests pass a fake).
    """

    def __init__(self, delay: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._delay = delay
        self._clock = clock
        self._pending: dict[Path, _Pending] = {}
        self._lock = threading.Lock()

    def touch(self, path: Path) -> None:
        """Record an event for ``path``."""
        if is_ignored(path):
            return
        stat = _stat(path) or (-1, -1.0)
        with self._lock:
            self._pending[path] = _Pending(self._clock(), stat[0], stat[1])

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def stable(self) -> list[Path]:
        """Paths that are ready now (removed from the tracker); vanished ones are dropped."""
        ready: list[Path] = []
        now = self._clock()
        with self._lock:
            for path, entry in list(self._pending.items()):
                if now - entry.last_event < self._delay:
                    continue
                stat = _stat(path)
                if stat is None:
                    if not path.exists():
                        del self._pending[path]  # deleted before it settled
                    continue
                if stat != (entry.size, entry.mtime):
                    self._pending[path] = _Pending(now, stat[0], stat[1])
                    continue
                del self._pending[path]
                ready.append(path)
        return ready


class _Handler(FileSystemEventHandler):
    def __init__(self, tracker: StabilityTracker, accept: Callable[[Path], bool]) -> None:
        self._tracker = tracker
        self._accept = accept

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in {"deleted", "opened", "closed_no_write"}:
            return
        raw = event.dest_path if event.event_type == "moved" else event.src_path
        path = Path(raw.decode() if isinstance(raw, bytes) else raw)
        if self._accept(path):
            self._tracker.touch(path)


class Watcher:
    """Watches sources and calls ``on_stable`` with batches of settled paths.

    Args:
        sources: ``(kind, path)`` pairs.
        on_stable: called on the watcher's thread with settled paths.
        delay: stability delay in seconds.
        poll_interval: seconds between scans of a source that is polled.

    Attributes:
        polled: paths (as given in ``sources``) watched by polling because the
            system ran out of inotify watches or instances; filled by ``start``.
    """

    def __init__(
        self,
        sources: Sequence[tuple[str, str]],
        on_stable: Callable[[list[Path]], None],
        *,
        delay: float = 1.0,
        poll_interval: float = 5.0,
    ) -> None:
        self._sources = [(kind, path) for kind, path in sources]
        self._on_stable = on_stable
        self.tracker = StabilityTracker(delay)
        self.polled: list[str] = []
        self._observer: BaseObserver | None = None
        self._poller: BaseObserver | None = None
        self._poll_interval = poll_interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._interval = max(0.1, delay / 4)

    def _accept_for(self, kind: str, root: Path) -> Callable[[Path], bool]:
        if kind == SourceKind.MBOX or kind == SourceKind.FILE:
            return lambda path: path == root
        return lambda path: True

    def _native(self) -> BaseObserver | None:
        """The platform observer, started; ``None`` when inotify has no instance left."""
        try:
            observer = Observer()
        except OSError as exc:
            if exc.errno not in _WATCH_LIMITS:
                raise
            log.warning("inotify unavailable (%s); every source will be polled", exc)
            return None
        # Started before scheduling, so that schedule() starts each emitter
        # itself and a watch limit surfaces as that one source's error.
        observer.start()
        return observer

    def _poll(self, handler: _Handler, watched: Path, *, recursive: bool) -> None:
        if self._poller is None:
            self._poller = PollingObserver(timeout=self._poll_interval)
            self._poller.start()
        self._poller.schedule(handler, str(watched), recursive=recursive)

    def start(self) -> None:
        """Start watching (idempotent).

        Raises:
            OSError: a source could not be watched for a reason other than
                the inotify limits (which fall back to polling).
        """
        if self._thread is not None:
            return
        observer = self._native()
        self._observer = observer
        try:
            for kind, raw in self._sources:
                path = Path(raw)
                watched = path.parent if kind in {SourceKind.MBOX, SourceKind.FILE} else path
                if not watched.is_dir():
                    log.warning("not watching %s: folder missing", watched)
                    continue
                handler = _Handler(self.tracker, self._accept_for(kind, path))
                recursive = kind not in {SourceKind.MBOX, SourceKind.FILE}
                if observer is not None:
                    try:
                        observer.schedule(handler, str(watched), recursive=recursive)
                        continue
                    except OSError as exc:
                        if exc.errno not in _WATCH_LIMITS:
                            raise
                        log.warning(
                            "cannot watch %s with inotify (%s): polling it every %g s instead; "
                            "raise fs.inotify.max_user_watches / max_user_instances to avoid this",
                            watched,
                            exc.strerror or exc,
                            self._poll_interval,
                        )
                self._poll(handler, watched, recursive=recursive)
                self.polled.append(raw)
        except BaseException:
            self._stop_observers()
            raise
        self._thread = threading.Thread(target=self._loop, name="sift-watcher", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            ready = self.tracker.stable()
            if ready:
                try:
                    self._on_stable(ready)
                except Exception:
                    log.exception("handling %d changed paths failed", len(ready))

    def _stop_observers(self) -> None:
        for observer in (self._observer, self._poller):
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)
        self._observer = self._poller = None

    def stop(self) -> None:
        """Stop watching and wait for the threads."""
        self._stop.set()
        self._stop_observers()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
