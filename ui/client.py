"""The GUI thread's handle on the engine thread.

``EngineClient`` owns the ``QThread`` that ``EngineWorker`` lives on, turns
method calls into queued signals (so the GUI thread never calls ``Sift`` and
never blocks) and shuts the engine down in order: cancel, close, wait.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import QThread
from PySide6.QtCore import Signal
from PySide6.QtCore import SignalInstance
from PySide6.QtCore import Slot

from ui.worker import EngineCall
from ui.worker import EngineWorker
from ui.worker import SiftFactory

ResultCallback = Callable[[Any], None]

log = logging.getLogger(__name__)


class EngineClient(QObject):
    """The GUI thread's handle on the engine thread.

    Every method only emits a queued signal, so none of them blocks.

    Args:
        factory: builds the ``Sift`` on the worker thread.
        parent: the owning QObject.

    Attributes:
        worker: the ``EngineWorker``; connect its signals to ``@Slot`` methods.
        engine_thread: the ``QThread`` it runs on.
    """

    _open_requested = Signal()
    _items_requested = Signal()
    _suggestions_requested = Signal(int)
    _categories_requested = Signal()
    _ingest_requested = Signal(list, bool)
    _source_requested = Signal(str, bool)
    _accept_requested = Signal(int, object)
    _draft_requested = Signal(int, object)
    _reject_requested = Signal(int, str)
    _label_requested = Signal(int, str)
    _retry_requested = Signal(int)
    _junk_requested = Signal(int, bool)
    _train_requested = Signal()
    _close_requested = Signal()
    _call_requested = Signal(int, object)
    _summarize_requested = Signal(int)
    _overview_requested = Signal()

    def __init__(self, factory: SiftFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Not ``thread``: that would hide QObject.thread().
        self.engine_thread = QThread(self)
        self.engine_thread.setObjectName("sift-engine")
        self.worker = EngineWorker(factory)
        self.worker.moveToThread(self.engine_thread)
        w = self.worker
        requests = [
            (self._open_requested, w.open),
            (self._items_requested, w.load_items),
            (self._suggestions_requested, w.load_suggestions),
            (self._categories_requested, w.load_categories),
            (self._ingest_requested, w.ingest),
            (self._source_requested, w.add_source),
            (self._accept_requested, w.accept),
            (self._draft_requested, w.write_draft),
            (self._reject_requested, w.reject),
            (self._label_requested, w.label),
            (self._retry_requested, w.retry),
            (self._junk_requested, w.mark_junk),
            (self._train_requested, w.train),
            (self._close_requested, w.close),
            (self._call_requested, w.run_call),
            (self._summarize_requested, w.summarize),
            (self._overview_requested, w.load_overview),
        ]
        for request, slot in requests:
            # Queued events run in the order posted: ``command_started`` runs
            # just before the command, and background slices (which give way
            # while a command waits) see it no longer waiting.
            request.connect(w.command_started)
            request.connect(slot)
        w.call_finished.connect(self._on_call_finished)
        w.call_failed.connect(self._on_call_failed)
        self._jobs = itertools.count(1)
        self._callbacks: dict[int, tuple[ResultCallback | None, ResultCallback | None]] = {}
        # Direct: runs on the engine thread right after close(). QThread.quit
        # is thread-safe, and a queued call would wait for the GUI thread,
        # which is blocked in stop()'s wait().
        w.closed.connect(self.engine_thread.quit, Qt.ConnectionType.DirectConnection)
        self._stopped = False
        self._draft_cancels: list[threading.Event] = []

    def _post(self, request: SignalInstance, *args: Any) -> None:
        """Queue a command for the engine thread, counted so background work gives way."""
        self.worker.commands.posted()
        request.emit(*args)

    def start(self) -> None:
        """Start the thread and open the engine on it."""
        self.engine_thread.start()
        self._post(self._open_requested)

    def call(
        self,
        job: EngineCall,
        on_done: ResultCallback | None = None,
        on_error: ResultCallback | None = None,
    ) -> int:
        """Run ``job(sift)`` on the engine thread; ``on_done(result)`` runs here after.

        The job must only read values it was given (copies), never widgets:
        it runs on the engine thread (Picard's ``run_task(fn, on_done)``).

        Returns:
            The job's id.
        """
        job_id = next(self._jobs)
        self._callbacks[job_id] = (on_done, on_error)
        self._post(self._call_requested, job_id, job)
        return job_id

    @Slot(int, object)
    def _on_call_finished(self, job_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(job_id, (None, None))
        if on_done is not None and not self._stopped:
            on_done(result)

    @Slot(int, str)
    def _on_call_failed(self, job_id: int, message: str) -> None:
        _, on_error = self._callbacks.pop(job_id, (None, None))
        if on_error is not None and not self._stopped:
            on_error(message)

    @Slot(int)
    def summarize(self, item_id: int) -> None:
        """Write an item's summary again, streamed (``summary_streamed``, ``summary_finished``)."""
        self._post(self._summarize_requested, item_id)

    @Slot()
    def load_overview(self) -> None:
        """Ask for the sources pane's counts (``overview_loaded``)."""
        self._post(self._overview_requested)

    @Slot()
    def load_items(self) -> None:
        """Ask for every item (``items_loaded``)."""
        self._post(self._items_requested)

    @Slot(int)
    def load_suggestions(self, item_id: int) -> None:
        """Ask for one item's open suggestions (``suggestions_loaded``)."""
        self._post(self._suggestions_requested, item_id)

    @Slot()
    def load_categories(self) -> None:
        """Ask for the categories (``categories_loaded``)."""
        self._post(self._categories_requested)

    def ingest(self, paths: list[Path], *, summarize: bool = True) -> None:
        """Read everything under ``paths`` (``items_added`` as it reads, then ``ingested``)."""
        self._post(self._ingest_requested, [str(p) for p in paths], summarize)

    def add_source(self, path: Path, *, summarize: bool = True) -> None:
        """Remember a folder or mail file as a source, then ingest it."""
        self._post(self._source_requested, str(path), summarize)

    @Slot(int)
    def accept(self, suggestion_id: int, *, edited_text: str | None = None) -> None:
        """Accept a suggestion (``feedback_recorded``, then ``action_done``)."""
        self._post(self._accept_requested, suggestion_id, edited_text)

    def write_draft(self, suggestion_id: int) -> threading.Event:
        """Preview a reply draft (``draft_streamed``, ``draft_finished``).

        Returns:
            Set it to stop the model (the user moved on); stopping the engine sets it too.
        """
        cancel = threading.Event()
        self._draft_cancels = [c for c in self._draft_cancels if not c.is_set()] + [cancel]
        self._post(self._draft_requested, suggestion_id, cancel)
        return cancel

    @Slot(int)
    @Slot(int, str)
    def reject(self, suggestion_id: int, correct: str = "") -> None:
        """Reject a suggestion, with the right category if ``correct`` is given."""
        self._post(self._reject_requested, suggestion_id, correct)

    @Slot(int, str)
    def label(self, item_id: int, category: str) -> None:
        """Set an item's category."""
        self._post(self._label_requested, item_id, category)

    @Slot(int)
    def retry(self, item_id: int) -> None:
        """Read an error item again."""
        self._post(self._retry_requested, item_id)

    def mark_junk(self, item_id: int, *, junk: bool) -> None:
        """Junk / not junk feedback for an item."""
        self._post(self._junk_requested, item_id, junk)

    @Slot()
    def train(self) -> None:
        """Fine-tune on the feedback so far (``trained``)."""
        self._post(self._train_requested)

    @Slot()
    def shutdown(self) -> None:
        """``stop`` as a slot, for ``MainWindow.closed`` and ``aboutToQuit``."""
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the engine thread is still running."""
        return self.engine_thread.isRunning()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Cancel engine work, close the engine on its thread and wait for the thread.

        Safe to call twice. Blocks for at most ``timeout_ms``: only at shutdown.

        Returns:
            Whether the thread has stopped.
        """
        if not self._stopped:
            self._stopped = True
            for cancel in self._draft_cancels:
                cancel.set()
            self.worker.request_stop()
            if self.engine_thread.isRunning():
                self._post(self._close_requested)
        if not self.engine_thread.isRunning():
            return True
        stopped = self.engine_thread.wait(timeout_ms)
        if not stopped:
            log.error("the engine thread did not stop within %d ms", timeout_ms)
        return stopped
