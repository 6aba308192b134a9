"""The engine's thread: one ``Sift`` behind Qt signals and slots.

``EngineWorker`` lives on its own ``QThread`` (owned by ``ui.client.EngineClient``)
and is the only object that touches ``Sift``, which opens SQLite and the
models, so it is created inside that thread. One thread serialises every
engine call, as the style guide's one-thread model and DB pools do.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot

from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.errors import UserError
from assistant.fields import extract_fields
from assistant.types import Item
from assistant.types import ItemState
from assistant.types import Progress
from ui import slicing
from ui.background import BackgroundModels
from ui.overview import build_overview
from ui.slicing import Commands
from ui.slicing import SliceEvent
from ui.slicing import TokenBatcher

log = logging.getLogger(__name__)

SiftFactory = Callable[[ProgressCallback], Sift]
"""Builds the engine on the worker thread; it must pass ``progress`` on to ``Sift``."""

EngineCall = Callable[[Sift], Any]
"""A job for ``EngineWorker.run_call``: gets the engine, returns a value (a copy)."""

QUEUE_PEEK = 1_000  # queued ids looked at per slice (a slice does far fewer)


class EngineWorker(QObject):
    """Runs every engine call on the worker thread and reports through signals.

    Args:
        factory: builds the ``Sift``; called on the worker thread by ``open``.

    Signals:
        opened(): the engine is ready.
        items_loaded(list): every ``Item``, newest first.
        item_changed(object): one ``Item`` whose data changed.
        items_added(list): ``Item`` objects new or changed, sent a slice at a
            time while an ingest reads, and once more when it has read them all
            (what the slices did not show: attachments, say).
        items_removed(list): ids of items that are no longer in the store's list
            (their files are gone), found when an ingest has read everything.
        ingested(list): the ``Item`` objects one ingest found, once it has read them all.
        suggestions_loaded(int, list): an item id and its open ``Suggestion`` objects.
        categories_loaded(list): every ``Category``.
        feedback_recorded(object): the decided ``Suggestion``.
        action_done(object): the ``ActionRecord`` of an Accept (what was done, for Undo).
        draft_streamed(int, str): a suggestion id and the next piece of its reply draft.
        draft_finished(int, str): a suggestion id and its reply draft, to edit.
        progress_changed(object): a ``Progress`` of a long operation.
        busy_changed(bool): a long operation started or ended.
        trained(object): a ``TrainReport``.
        failed(str): a message for the status bar (with a traceback for bugs).
        closed(): the engine is closed; its thread may stop.
        overview_loaded(object): an ``Overview`` (counts for the sources pane).
        call_finished(int, object): a ``run_call`` job id and its result.
        call_failed(int, str): a ``run_call`` job id and the error message.
        summary_streamed(int, str): an item id and the next piece of its summary.
        summary_finished(int, object): an item id and its new ``Summary``.
        queue_finished(): background processing of the queue is done.

    Attributes:
        commands: user commands queued for this thread and not yet started
            (``EngineClient`` counts them): background slices give way to them.
        background: the queue's model calls, run on a thread of their own.
    """

    opened = Signal()
    items_loaded = Signal(list)
    item_changed = Signal(object)
    items_added = Signal(list)
    items_removed = Signal(list)
    ingested = Signal(list)
    suggestions_loaded = Signal(int, list)
    categories_loaded = Signal(list)
    feedback_recorded = Signal(object)
    action_done = Signal(object)
    draft_streamed = Signal(int, str)
    draft_finished = Signal(int, str)
    progress_changed = Signal(object)
    busy_changed = Signal(bool)
    trained = Signal(object)
    failed = Signal(str)
    closed = Signal()
    overview_loaded = Signal(object)
    call_finished = Signal(int, object)
    call_failed = Signal(int, str)
    summary_streamed = Signal(int, str)
    summary_finished = Signal(int, object)
    queue_finished = Signal()
    _slice_posted = Signal()
    _finished = Signal()  # background work is done

    def __init__(self, factory: SiftFactory) -> None:
        super().__init__()
        self._factory = factory
        self._sift: Sift | None = None
        self._stopping = threading.Event()
        # What the GUI was last told about each item, to send only the rows
        # that a feedback call changed (labelling re-predicts other items).
        self._known: dict[int, Item] = {}
        self._summarize_queue: list[int] = []
        # Ingests being read: a batch generator and the ids it gave so far.
        self._readers: list[tuple[Iterator[list[int]], list[int]]] = []
        self._queue_busy = False
        self._queue_summaries = True
        self._slice_posted.connect(self.process_slice, Qt.ConnectionType.QueuedConnection)
        self.commands = Commands()
        # Queue items are embedded and summarized on a thread of their own (the
        # models release the GIL), so this thread stays free for the user's
        # commands meanwhile; the database stays on this thread.
        self.background = BackgroundModels(self._finished.emit)
        self._awaiting_background = False
        self._finished.connect(self._on_background_done, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def command_started(self) -> None:
        """A user command's slot runs next (connected before it, on every request)."""
        self.commands.started()

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
            settle_heap()
            self.background.warm(self._sift)

    @Slot()
    def load_items(self) -> None:
        """Send every item."""
        if (sift := self._ready()) is None:
            return
        with self._guard("loading items"):
            items = sift.items()
            self._known = {item.id: item for item in items}
            self.items_loaded.emit(items)
            self._send_overview(sift, items)

    @Slot()
    def load_overview(self) -> None:
        """Send fresh counts for the sources pane."""
        if (sift := self._ready()) is None:
            return
        with self._guard("counting items"):
            self._send_overview(sift, sift.items())

    def _send_overview(self, sift: Sift, items: list[Item]) -> None:
        # Accepted "read later" suggestions keep their items on a list.
        later = [e.item_id for e in sift.read_later()]
        overview = build_overview(
            items, sift.suggestions(), sift.sources(), sift.categories(), read_later=later
        )
        self.overview_loaded.emit(overview)

    @Slot(int, object)
    def run_call(self, job_id: int, call: EngineCall) -> None:
        """Run ``call(sift)`` here and send its result back (``call_finished``)."""
        if (sift := self._ready()) is None:
            return
        try:
            result = call(sift)
        except UserError as error:
            self.call_failed.emit(job_id, str(error))
            self.failed.emit(str(error))
        except Exception as error:
            log.exception("engine call failed")
            self.call_failed.emit(job_id, f"{type(error).__name__}: {error}")
            self.failed.emit(f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}")
        else:
            self.call_finished.emit(job_id, result)

    @Slot(int)
    def summarize(self, item_id: int) -> None:
        """(Re)write one item's summary, streaming it in batched pieces."""
        if (sift := self._ready()) is None:
            return
        with self._guard("summarizing"):
            batcher = TokenBatcher(lambda text: self.summary_streamed.emit(item_id, text))
            summary = sift.summarize_item(item_id, on_token=batcher.add, cancel=self._stopping)
            batcher.flush()
            self.summary_finished.emit(item_id, summary)
            item = sift.item(item_id)
            self._known[item_id] = item
            self.item_changed.emit(item)

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
        """Read everything under ``paths``, then classify and summarize it, all in slices.

        Reading, then the queue, are worked through in slices of about
        ``SLICE_SECONDS``, each re-posted to this thread's event loop, so an
        Accept or a search queued meanwhile runs between two slices instead of
        after the whole ingest.
        """
        if (sift := self._ready()) is None:
            return
        sift.cancel.clear()
        with self._guard("ingest"):
            self._set_queue_busy(busy=True)
            reader = sift.store_batches([Path(p) for p in paths])
            self._readers.append((reader, []))
            self._queue_summaries = summarize and sift.settings.summarize
        self._post_slice()

    def _post_slice(self) -> None:
        self._slice_posted.emit()  # queued: whatever was posted before runs first

    def _read_slice(self, sift: Sift) -> None:
        """Store batches of the oldest ingest for one slice; announce it when read."""
        reader, ids = self._readers[0]
        deadline = time.monotonic() + slicing.SLICE_SECONDS
        read: list[int] = []
        try:
            for batch in reader:
                ids.extend(batch)
                read.extend(batch)
                if sift.cancel.is_set() or time.monotonic() >= deadline or self.commands.waiting:
                    return
        finally:
            self._send_read(sift, read)
        self._readers.pop(0)
        self._send_reconciled(sift)
        found = (self._known.get(i) for i in dict.fromkeys(ids))
        self.ingested.emit([item for item in found if item is not None])
        self._send_overview(sift, list(self._known.values()))

    def _send_read(self, sift: Sift, ids: list[int]) -> None:
        """Send the items one slice read, as they are stored (the table grows as it reads).

        Only new or changed rows: resending every item made the GUI thread
        reset and filter the whole table once an ingest had read everything.
        """
        items = [sift.item(item_id) for item_id in dict.fromkeys(ids)]
        changed = [item for item in items if self._known.get(item.id) != item]
        if changed:
            self._known.update((item.id, item) for item in changed)
            self.items_added.emit(changed)

    def _send_reconciled(self, sift: Sift) -> None:
        """Bring the GUI's rows in line with the store once an ingest has read everything.

        The slices send the items they read; attachments stored with their
        mail, and items whose files went away meanwhile, are found here.
        """
        items = sift.items()
        current = {item.id for item in items}
        gone = [item_id for item_id in self._known if item_id not in current]
        changed = [item for item in items if self._known.get(item.id) != item]
        for item_id in gone:
            del self._known[item_id]
        self._known.update((item.id, item) for item in changed)
        if gone:
            self.items_removed.emit(gone)
        if changed:
            self.items_added.emit(changed)

    def _set_queue_busy(self, *, busy: bool) -> None:
        if busy != self._queue_busy:
            self._queue_busy = busy
            self.busy_changed.emit(busy)

    @Slot()
    def process_slice(self) -> None:
        """Classify queued items for one slice, or summarize one item; re-post if more."""
        sift = None if self._stopping.is_set() else self._sift
        if sift is None:
            self._set_queue_busy(busy=False)
            return
        if self.background.warming:
            # The queue starts once the embedding model is loaded (seconds, once,
            # at open): listing new mail meanwhile made the window's repaints wait
            # for the GIL behind torch's import, stalls of 60-70 ms (bench/gui.py).
            self._awaiting_background = True
            return
        more = False
        with self._guard("processing the queue"):
            if self._readers:
                self._read_slice(sift)
                more = True
            elif sift.store.job_count():
                queued = sift.store.pending_jobs("classify", QUEUE_PEEK)
                embedding = self.background.embed_ahead(sift)
                slice_event = SliceEvent(sift.cancel, slicing.SLICE_SECONDS, self.commands)
                done = sift.pipeline.drain(summarize=False, cancel=slice_event, embed=not embedding)
                still = set(sift.store.pending_jobs("classify", QUEUE_PEEK))
                # Only this slice's items changed: send those, not a scan of every item.
                for item_id in queued:
                    if item_id not in still:
                        self._update_one(sift, item_id)
                more = bool(sift.store.job_count())
                if more and not done and self.background.embedding:
                    # Nothing embedded yet: the embedding thread posts the next slice.
                    self._awaiting_background = True
                    return
                if not more and self._queue_summaries:
                    self._summarize_queue = [
                        i.id
                        for i in self._known.values()
                        if i.summary is None and i.state == ItemState.READY
                    ]
                more = more or bool(self._summarize_queue)
            elif self._summarize_queue or self.background.summarizing:
                if self._summarize_step(sift):
                    # The model writes on the background thread; its end posts the next slice.
                    self._awaiting_background = True
                    return
                more = bool(self._summarize_queue)
        if more and not sift.cancel.is_set():
            self._post_slice()
            return
        self._summarize_queue = []
        self._readers = []
        self._set_queue_busy(busy=False)
        if self._sift is not None and not self._stopping.is_set():
            self._send_overview(self._sift, list(self._known.values()))
        self.queue_finished.emit()

    def _summarize_step(self, sift: Sift) -> bool:
        """Keep a finished background summary, start the next; True: wait for it.

        The language model releases the GIL and takes its own lock, so a
        summary written on the background thread leaves this thread free for
        the user's commands (an Accept does not wait for a summary).
        """
        if self.background.summarizing:
            finished = self.background.finished_summary()
            if finished is None:
                return True
            item_id, summary = finished
            if not sift.cancel.is_set():  # a cancelled summary is a stand-in: not kept
                sift.pipeline.keep_summary(item_id, summary)
                self._update_one(sift, item_id)
            total = len(self._known)
            self.progress_changed.emit(
                Progress("summarize", total - len(self._summarize_queue), total, "summaries")
            )
        while self._summarize_queue and not sift.cancel.is_set():
            item = sift.item(self._summarize_queue.pop(0))
            if item.summary is None:  # else summarized on demand meanwhile
                self.background.summarize(sift, item)
                return True
        return False

    @Slot()
    def _on_background_done(self) -> None:
        if self._awaiting_background:
            self._awaiting_background = False
            self.process_slice()

    def _update_one(self, sift: Sift, item_id: int) -> None:
        item = sift.item(item_id)
        if self._known.get(item_id) != item:
            self._known[item_id] = item
            self.item_changed.emit(item)

    @Slot(str, bool)
    def add_source(self, path: str, summarize: bool) -> None:  # noqa: FBT001 - a slot
        """Remember a folder or mail file, then ingest it."""
        if (sift := self._ready()) is None:
            return
        with self._guard("adding a source"):
            sift.add_source(path)
        self.ingest([path], summarize)

    @Slot(int, object)
    def accept(self, suggestion_id: int, edited_text: str | None = None) -> None:
        """Accept a suggestion and carry out its action (``edited_text``: the user's version)."""
        if (sift := self._ready()) is None:
            return
        with self._guard("accepting a suggestion"):
            record = sift.accept_action(suggestion_id, edited_text=edited_text)
            self._after_feedback(sift, record.item_id)
            self.feedback_recorded.emit(sift.store.suggestion(suggestion_id))
            self.action_done.emit(record)

    @Slot(int, object)
    def write_draft(self, suggestion_id: int, cancel: threading.Event) -> None:
        """Write (or fetch the kept) reply draft of a suggestion, streaming it."""
        if (sift := self._ready()) is None:
            return
        with self._guard("writing a reply draft"):
            batcher = TokenBatcher(lambda text: self.draft_streamed.emit(suggestion_id, text))
            text = sift.draft_text(suggestion_id, on_token=batcher.add, cancel=cancel)
            batcher.flush()
            if not cancel.is_set():  # a cancelled run gives the bare template
                self.draft_finished.emit(suggestion_id, text)

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
        self.background.shutdown()
        if self._sift is not None:
            with self._guard("closing the engine"):
                self._sift.close()
            self._sift = None
        self.closed.emit()

    def _after_feedback(self, sift: Sift, item_id: int) -> None:
        self._send_changes(sift)
        self.suggestions_loaded.emit(item_id, sift.suggestions(item_id))
        self._send_overview(sift, list(self._known.values()))

    def _send_changes(self, sift: Sift) -> None:
        for item in sift.items():
            if self._known.get(item.id) != item:
                self._known[item.id] = item
                self.item_changed.emit(item)


def settle_heap() -> None:
    """Load what the first item needs, then keep what is alive now out of the GC's scans.

    A full (generation 2) collection holds the GIL, so every thread stops for
    it, the GUI thread too. Imports and dateparser's locale data leave some
    100,000 long-lived objects, and each full collection scanning them took
    30-50 ms during an ingest (``bench/gui.py``). ``gc.freeze`` moves them to
    the permanent generation. Only the young generations are collected first:
    a full collection here was itself a 40 ms stall, just after the window
    opened, and what garbage the oldest generation holds at start-up is a
    few objects left by imports, kept for the life of the process.
    """
    extract_fields("Warm-up", "Can we meet next Friday at 3pm?", {}, language="en")
    extract_fields("预热", "我们下周五下午三点开会好吗？", {}, language="zh")
    gc.collect(1)
    gc.freeze()
