"""The GUI thread's handle on the engine thread.

``EngineClient`` owns the ``QThread`` that ``EngineWorker`` lives on, turns
method calls into queued signals (so the GUI thread never calls ``Sift`` and
never blocks) and shuts the engine down in order: cancel, close, wait.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import QThread
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot

from ui.worker import EngineWorker
from ui.worker import SiftFactory

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
    _accept_requested = Signal(int)
    _reject_requested = Signal(int, str)
    _label_requested = Signal(int, str)
    _retry_requested = Signal(int)
    _junk_requested = Signal(int, bool)
    _train_requested = Signal()
    _close_requested = Signal()

    def __init__(self, factory: SiftFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Not ``thread``: that would hide QObject.thread().
        self.engine_thread = QThread(self)
        self.engine_thread.setObjectName("sift-engine")
        self.worker = EngineWorker(factory)
        self.worker.moveToThread(self.engine_thread)
        w = self.worker
        self._open_requested.connect(w.open)
        self._items_requested.connect(w.load_items)
        self._suggestions_requested.connect(w.load_suggestions)
        self._categories_requested.connect(w.load_categories)
        self._ingest_requested.connect(w.ingest)
        self._source_requested.connect(w.add_source)
        self._accept_requested.connect(w.accept)
        self._reject_requested.connect(w.reject)
        self._label_requested.connect(w.label)
        self._retry_requested.connect(w.retry)
        self._junk_requested.connect(w.mark_junk)
        self._train_requested.connect(w.train)
        self._close_requested.connect(w.close)
        # Direct: runs on the engine thread right after close(). QThread.quit
        # is thread-safe, and a queued call would wait for the GUI thread,
        # which is blocked in stop()'s wait().
        w.closed.connect(self.engine_thread.quit, Qt.ConnectionType.DirectConnection)
        self._stopped = False

    def start(self) -> None:
        """Start the thread and open the engine on it."""
        self.engine_thread.start()
        self._open_requested.emit()

    @Slot()
    def load_items(self) -> None:
        """Ask for every item (``items_loaded``)."""
        self._items_requested.emit()

    @Slot(int)
    def load_suggestions(self, item_id: int) -> None:
        """Ask for one item's open suggestions (``suggestions_loaded``)."""
        self._suggestions_requested.emit(item_id)

    @Slot()
    def load_categories(self) -> None:
        """Ask for the categories (``categories_loaded``)."""
        self._categories_requested.emit()

    def ingest(self, paths: list[Path], *, summarize: bool = True) -> None:
        """Read everything under ``paths`` (``ingested``, then ``items_loaded``)."""
        self._ingest_requested.emit([str(p) for p in paths], summarize)

    def add_source(self, path: Path, *, summarize: bool = True) -> None:
        """Remember a folder or mail file as a source, then ingest it."""
        self._source_requested.emit(str(path), summarize)

    @Slot(int)
    def accept(self, suggestion_id: int) -> None:
        """Accept a suggestion (``feedback_recorded``)."""
        self._accept_requested.emit(suggestion_id)

    @Slot(int)
    @Slot(int, str)
    def reject(self, suggestion_id: int, correct: str = "") -> None:
        """Reject a suggestion, with the right category if ``correct`` is given."""
        self._reject_requested.emit(suggestion_id, correct)

    @Slot(int, str)
    def label(self, item_id: int, category: str) -> None:
        """Set an item's category."""
        self._label_requested.emit(item_id, category)

    @Slot(int)
    def retry(self, item_id: int) -> None:
        """Read an error item again."""
        self._retry_requested.emit(item_id)

    def mark_junk(self, item_id: int, *, junk: bool) -> None:
        """Junk / not junk feedback for an item."""
        self._junk_requested.emit(item_id, junk)

    @Slot()
    def train(self) -> None:
        """Fine-tune on the feedback so far (``trained``)."""
        self._train_requested.emit()

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
            self.worker.request_stop()
            if self.engine_thread.isRunning():
                self._close_requested.emit()
        if not self.engine_thread.isRunning():
            return True
        stopped = self.engine_thread.wait(timeout_ms)
        if not stopped:
            log.error("the engine thread did not stop within %d ms", timeout_ms)
        return stopped
