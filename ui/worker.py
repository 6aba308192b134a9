"""The engine's thread: one ``Sift`` behind Qt signals and slots.

``EngineWorker`` lives on its own ``QThread`` (owned by ``ui.client.EngineClient``)
and is the only object that touches ``Sift``, which opens SQLite and the
models, so it is created inside that thread. One thread serialises every
engine call, as the style guide's one-thread model and DB pools do.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot

from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.errors import UserError
from assistant.types import Item
from assistant.types import Progress

log = logging.getLogger(__name__)

SiftFactory = Callable[[ProgressCallback], Sift]
"""Builds the engine on the worker thread; it must pass ``progress`` on to ``Sift``."""


class EngineWorker(QObject):
    """Runs every engine call on the worker thread and reports through signals.

    Args:
        factory: builds the ``Sift``; called on the worker thread by ``open``.

    Signals:
        opened(): the engine is ready.
        items_loaded(list): every ``Item``, newest first.
        item_changed(object): one ``Item`` whose data changed.
        ingested(list): the ``Item`` objects one ingest found.
        suggestions_loaded(int, list): an item id and its open ``Suggestion`` objects.
        categories_loaded(list): every ``Category``.
        feedback_recorded(object): the decided ``Suggestion``.
        progress_changed(object): a ``Progress`` of a long operation.
        busy_changed(bool): a long operation started or ended.
        trained(object): a ``TrainReport``.
        failed(str): a message for the status bar (with a traceback for bugs).
        closed(): the engine is closed; its thread may stop.
    """

    opened = Signal()
    items_loaded = Signal(list)
    item_changed = Signal(object)
    ingested = Signal(list)
    suggestions_loaded = Signal(int, list)
    categories_loaded = Signal(list)
    feedback_recorded = Signal(object)
    progress_changed = Signal(object)
    busy_changed = Signal(bool)
    trained = Signal(object)
    failed = Signal(str)
    closed = Signal()

    def __init__(self, factory: SiftFactory) -> None:
        super().__init__()
        self._factory = factory
        self._sift: Sift | None = None
        self._stopping = threading.Event()
        # What the GUI was last told about each item, to send only the rows
        # that a feedback call changed (labelling re-predicts other items).
        self._known: dict[int, Item] = {}

    def request_stop(self) -> None:
        """Ask running work to stop soon. Thread-safe: called from the GUI thread."""
        self._stopping.set()
        sift = self._sift
        if sift is not None:
            sift.cancel.set()

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except UserError as error:
            self.failed.emit(str(error))
        except Exception as error:
            log.exception("%s failed", what)
            details = traceback.format_exc()
            self.failed.emit(f"{what} failed: {type(error).__name__}: {error}\n\n{details}")

    @contextmanager
    def _busy(self) -> Iterator[None]:
        busy = True
        self.busy_changed.emit(busy)
        try:
            yield
        finally:
            busy = False
            self.busy_changed.emit(busy)

    def _ready(self) -> Sift | None:
        if self._stopping.is_set():
            return None
        if self._sift is None:
            self.failed.emit("the engine is not open")
        return self._sift

    def _progress(self, progress: Progress) -> None:
        # Called by the engine on this thread; the queued signal crosses over.
        self.progress_changed.emit(progress)

    @Slot()
    def open(self) -> None:
        """Create the engine (on this thread) and send the first items and categories."""
        if self._sift is not None or self._stopping.is_set():
            return
        with self._guard("opening the engine"):
            self._sift = self._factory(self._progress)
            if self._stopping.is_set():
                self._sift.cancel.set()
            self.opened.emit()
            self.load_categories()
            self.load_items()

    @Slot()
    def load_items(self) -> None:
        """Send every item."""
        if (sift := self._ready()) is None:
            return
        with self._guard("loading items"):
            items = sift.items()
            self._known = {item.id: item for item in items}
            self.items_loaded.emit(items)

    @Slot(int)
    def load_suggestions(self, item_id: int) -> None:
        """Send one item's open suggestions."""
        if (sift := self._ready()) is None:
            return
        with self._guard("loading suggestions"):
            self.suggestions_loaded.emit(item_id, sift.suggestions(item_id))

    @Slot()
    def load_categories(self) -> None:
        """Send every category."""
        if (sift := self._ready()) is None:
            return
        with self._guard("loading categories"):
            self.categories_loaded.emit(sift.categories())

    @Slot(list, bool)
    def ingest(self, paths: list[str], summarize: bool) -> None:  # noqa: FBT001 - a slot
        """Read, classify and summarize everything under ``paths``."""
        if (sift := self._ready()) is None:
            return
        sift.cancel.clear()
        with self._busy(), self._guard("ingest"):
            found = sift.ingest([Path(p) for p in paths], summarize=summarize)
            self.ingested.emit(found)
            self.load_items()

    @Slot(str, bool)
    def add_source(self, path: str, summarize: bool) -> None:  # noqa: FBT001 - a slot
        """Remember a folder or mail file, then ingest it."""
        if (sift := self._ready()) is None:
            return
        with self._guard("adding a source"):
            sift.add_source(path)
            self.ingest([path], summarize)

    @Slot(int)
    def accept(self, suggestion_id: int) -> None:
        """Accept a suggestion."""
        if (sift := self._ready()) is None:
            return
        with self._guard("accepting a suggestion"):
            decided = sift.accept(suggestion_id)
            self._after_feedback(sift, decided.item_id)
            self.feedback_recorded.emit(decided)

    @Slot(int, str)
    def reject(self, suggestion_id: int, correct: str) -> None:
        """Reject a suggestion; a non-empty ``correct`` is the right category."""
        if (sift := self._ready()) is None:
            return
        with self._guard("rejecting a suggestion"):
            decided = sift.reject(suggestion_id, correct=correct or None)
            if correct:
                self.load_categories()
            self._after_feedback(sift, decided.item_id)
            self.feedback_recorded.emit(decided)

    @Slot(int, str)
    def label(self, item_id: int, category: str) -> None:
        """Set an item's category."""
        if (sift := self._ready()) is None:
            return
        with self._guard("setting the category"):
            sift.label(item_id, category)
            self.load_categories()
            self._after_feedback(sift, item_id)

    @Slot(int, bool)
    def mark_junk(self, item_id: int, junk: bool) -> None:  # noqa: FBT001 - a slot
        """Junk / not junk feedback."""
        if (sift := self._ready()) is None:
            return
        with self._guard("junk feedback"):
            sift.mark_junk(item_id, junk)
            self._after_feedback(sift, item_id)

    @Slot(int)
    def retry(self, item_id: int) -> None:
        """Read an item in the error state again from its source."""
        if (sift := self._ready()) is None:
            return
        with self._guard("reading the item again"):
            sift.retry(item_id)
            self._after_feedback(sift, item_id)

    @Slot()
    def train(self) -> None:
        """Fine-tune the category head on the feedback so far."""
        if (sift := self._ready()) is None:
            return
        with self._busy(), self._guard("training"):
            report = sift.train()
            self._send_changes(sift)
            self.trained.emit(report)

    @Slot()
    def close(self) -> None:
        """Close the engine; ``closed`` then tells the owner to stop this thread."""
        self._stopping.set()
        if self._sift is not None:
            with self._guard("closing the engine"):
                self._sift.close()
            self._sift = None
        self.closed.emit()

    def _after_feedback(self, sift: Sift, item_id: int) -> None:
        self._send_changes(sift)
        self.suggestions_loaded.emit(item_id, sift.suggestions(item_id))

    def _send_changes(self, sift: Sift) -> None:
        for item in sift.items():
            if self._known.get(item.id) != item:
                self._known[item.id] = item
                self.item_changed.emit(item)
