"""The main window: sources pane, item list and detail pane, with search and shortcuts.

It receives an ``EngineClient`` (wired in ``ui.app``), asks it for work with
non-blocking calls and updates itself from the worker's signals, delivered by
queued connections to the ``@Slot`` methods below. Floods of changed items
are applied in slices of ``BATCH_MS`` (Picard's ``_process_callback_batch``).
Reading signals and the "read next" list go through ``ui.reading``.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QEvent
from PySide6.QtCore import QItemSelection
from PySide6.QtCore import QSignalBlocker
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QWidget

from assistant.types import Item
from assistant.types import ItemState
from assistant.types import Suggestion
from ui import reading
from ui.client import EngineClient
from ui.detail_pane import DetailPane
from ui.digest_view import DigestDialog
from ui.i18n import engine_text
from ui.i18n import is_language_change
from ui.i18n import tr
from ui.icons import app_icon
from ui.item_model import Column
from ui.item_model import ItemTableModel
from ui.item_proxy import ItemSortProxy
from ui.item_view import ItemTableView
from ui.keyboard import KeyboardActions
from ui.nav_pane import NavPane
from ui.overview import ALL_ITEMS
from ui.overview import FilterKind
from ui.overview import ItemFilter
from ui.overview import Overview
from ui.search_box import SearchBox
from ui.shortcuts import install_shortcuts
from ui.status_line import Message
from ui.status_line import StatusLine
from ui.window_menus import build_menus
from ui.window_menus import retranslate_menus

MESSAGE_MS = 8_000
BATCH_MS = 20  # longest slice of the GUI thread spent applying queued item changes
INSERT_BATCH = 50  # new rows inserted at once within a slice
SEARCH_LIMIT = 500


class MainWindow(QMainWindow):
    """Sift's window.

    Args:
        engine: the handle on the engine thread.
        summarize: whether ingests ask for summaries.
        parent: the owning widget.

    Signals:
        closed(): the window was closed for good; the composition root shuts down.
        hidden_to_tray(): the window was closed while a tray keeps Sift running.
        counts_changed(int, int): unread items and open suggestions.
        settings_requested(): the user opened the settings.
        dashboard_requested(): the user opened the dashboard.
        quit_requested(): File > Quit.
    """

    closed = Signal()
    hidden_to_tray = Signal()
    counts_changed = Signal(int, int)
    settings_requested = Signal()
    dashboard_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self, engine: EngineClient, *, summarize: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.summarize = summarize
        self.keep_running_in_tray = False
        self.searching = ""
        self.overview = Overview()
        self._all: dict[int, Item] = {}
        self._pending: dict[int, Item] = {}
        self._shown_at: tuple[int, float] | None = None
        self.setWindowTitle("Sift")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(1024, 640)

        self.model = ItemTableModel(self)
        self.proxy = ItemSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = ItemTableView(self)
        self._setup_table()
        self.nav = NavPane(self)
        self.nav.filter_chosen.connect(self._on_filter_chosen)
        self.detail = DetailPane(self)
        self.detail.auto_summarize = summarize
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setCollapsible(1, False)  # noqa: FBT003 - Qt API
        self.splitter.setSizes([180, 500, 344])
        self.setCentralWidget(self.splitter)

        self.search_box = SearchBox(self)
        self.search_box.search_requested.connect(self._on_search)
        self.search_box.cleared.connect(self.clear_search)
        self.keys = KeyboardActions(self)
        build_menus(self)

        self.status = StatusLine(self.statusBar(), self)
        self.status_label = self.status.label
        self.status.undo_requested.connect(self.keys.undo)
        self.digest_dialog: DigestDialog | None = None
        self.progress_bar = self.status.progress_bar
        self.shortcuts = install_shortcuts(self, self.keys)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush_changes)

        d = self.detail
        d.suggestion_accepted.connect(self._on_suggestion_accepted)
        d.draft_requested.connect(self._on_draft_requested)
        self._draft_cancel: threading.Event | None = None
        d.suggestion_rejected.connect(engine.reject)
        d.category_chosen.connect(engine.label)
        d.retry_requested.connect(engine.retry)
        d.junk_marked.connect(self._on_junk_marked)
        d.summarize_requested.connect(engine.summarize)
        d.item_requested.connect(self._on_item_requested)
        self._connect_worker()

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        # Fixed row heights: the view never measures 10,000 rows.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.STATUS, 44),
            (Column.SOURCE, 118),
            (Column.CATEGORY, 104),
            (Column.JUNK, 50),
            (Column.PRIORITY, 52),
            (Column.DATE, 112),
        ):
            table.setColumnWidth(column, width)
        table.selectionModel().selectionChanged.connect(self._on_selection_changed)

    def _connect_worker(self) -> None:
        worker = self.engine.worker
        worker.opened.connect(self._on_opened)
        worker.items_loaded.connect(self._on_items_loaded)
        worker.item_changed.connect(self._on_item_changed)
        worker.items_added.connect(self._on_items_added)
        worker.items_removed.connect(self._on_items_removed)
        worker.ingested.connect(self._on_ingested)
        worker.suggestions_loaded.connect(self._on_suggestions_loaded)
        worker.categories_loaded.connect(self._on_categories_loaded)
        worker.feedback_recorded.connect(self._on_feedback_recorded)
        worker.action_done.connect(self.status.show_action)
        worker.draft_streamed.connect(self.detail.append_draft)
        worker.draft_finished.connect(self.detail.finish_draft)
        worker.progress_changed.connect(self.status.on_progress)
        worker.busy_changed.connect(self.status.on_busy)
        worker.busy_changed.connect(self._on_busy_changed)
        worker.trained.connect(self.status.on_trained)
        worker.failed.connect(self.status.on_failed)
        worker.overview_loaded.connect(self._on_overview_loaded)
        worker.summary_streamed.connect(self._on_summary_streamed)
        worker.summary_finished.connect(self._on_summary_finished)

    # -- queries ----------------------------------------------------------

    def current_item(self) -> Item | None:
        """The selected item, or ``None``."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.item_at(self.proxy.mapToSource(rows[0]).row())

    def select_item(self, item_id: int) -> bool:
        """Select an item's row; returns whether it is in the (filtered) list."""
        row = self.model.row_of(item_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def visible_items(self) -> list[Item]:
        """The items in the list as shown (filtered and sorted)."""
        return [
            self.model.item_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            for row in range(self.proxy.rowCount())
        ]

    def show_message(self, text: Message) -> None:
        """A status-bar message (the first line of ``text``; the rest as tooltip).

        A function that builds the text is called again when the UI language changes.
        """
        self.status.show_message(text)

    # -- search and filters -------------------------------------------------

    @Slot()
    @Slot(str)
    def _on_search(self, query: str) -> None:
        self.engine.call(
            lambda sift: (query, sift.search(query, limit=SEARCH_LIMIT)), self._on_search_results
        )

    def _on_search_results(self, result: tuple[str, list[Item]]) -> None:
        query, items = result
        if query != self.search_box.text().strip():
            return  # the user typed on while the engine searched
        self.searching = query
        self.model.set_items(items)
        self.proxy.set_filter(ItemFilter(FilterKind.SEARCH, query))
        self.show_message(
            lambda: tr("{n} search results for “{query}”").format(n=len(items), query=query)
        )

    @Slot()
    def clear_search(self) -> None:
        """Leave search results: the full list comes back (Esc)."""
        with QSignalBlocker(self.search_box):
            self.search_box.clear()
        if self.searching:
            self.searching = ""
            self.model.set_items(list(self._all.values()))
            current = self.nav.current_filter
            self.proxy.set_filter(current if current.kind != FilterKind.READ_NEXT else ALL_ITEMS)
            self.show_message(self._count_text)
        self.table.setFocus()

    @Slot(object)
    def _on_filter_chosen(self, item_filter: ItemFilter) -> None:
        if self.searching:
            self.clear_search()
        if item_filter.kind == FilterKind.READ_NEXT:
            self.engine.call(reading.read_next, self._on_read_next)
            return
        self.proxy.set_filter(item_filter)

    def _on_read_next(self, items: list[Item]) -> None:
        if self.nav.current_filter.kind != FilterKind.READ_NEXT:
            return  # the user chose another view meanwhile
        self.searching = "Read next"
        self.model.set_items(items, keep_order=True)  # ranked: best first
        self.proxy.set_filter(ItemFilter(FilterKind.SEARCH, self.searching))
        self.show_message(lambda: tr("Read next: {n} items").format(n=len(items)))

    # -- user actions -----------------------------------------------------

    @Slot(int, bool)
    def _on_junk_marked(self, item_id: int, junk: bool) -> None:  # noqa: FBT001 - a slot
        self.engine.mark_junk(item_id, junk=junk)

    @Slot(int, object)
    def _on_suggestion_accepted(self, suggestion_id: int, edited_text: str | None) -> None:
        self.engine.accept(suggestion_id, edited_text=edited_text)

    @Slot(int)
    def _on_draft_requested(self, suggestion_id: int) -> None:
        self._cancel_draft()
        self._draft_cancel = self.engine.write_draft(suggestion_id)

    def _cancel_draft(self) -> None:
        if self._draft_cancel is not None:
            self._draft_cancel.set()  # the model stops; nothing is kept
            self._draft_cancel = None

    @Slot(int)
    def _on_item_requested(self, item_id: int) -> None:
        if not self.select_item(item_id):
            self.nav.choose(ALL_ITEMS)
            self.select_item(item_id)

    @Slot()
    def open_digest(self) -> None:
        """Show today's digest; its ``sift://open`` links select items here."""
        if self.digest_dialog is None:
            self.digest_dialog = DigestDialog(self.engine, self)
            self.digest_dialog.item_requested.connect(self._show_requested_item)
        self.digest_dialog.refresh()
        self.digest_dialog.show()
        self.digest_dialog.raise_()

    @Slot(int)
    def _show_requested_item(self, item_id: int) -> None:
        self._on_item_requested(item_id)
        self.raise_()
        self.activateWindow()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        item = self.current_item()
        self._left_item()
        self._cancel_draft()
        self.detail.show_item(item)
        if item is None:
            return
        self._shown_at = (item.id, time.monotonic())
        self.model.set_read(item.id)
        self._emit_counts()
        if item.state != ItemState.ERROR:
            self.engine.load_suggestions(item.id)
            item_id = item.id
            self.engine.call(
                lambda sift: (item_id, sift.quoted_text(item_id), sift.attachments(item_id)),
                self._on_extras,
            )
            reading.record_opened(self.engine, item_id)
        else:
            self.detail.set_suggestions(item.id, [])

    def _left_item(self) -> None:
        if self._shown_at is not None:
            item_id, since = self._shown_at
            self._shown_at = None
            reading.record_dwell(self.engine, item_id, time.monotonic() - since)

    def _on_extras(self, result: tuple[int, str, list[Item]]) -> None:
        self.detail.set_extras(*result)

    # -- engine results ---------------------------------------------------

    @Slot()
    def _on_opened(self) -> None:
        self.show_message(lambda: tr("Ready"))

    @Slot(list)
    def _on_items_loaded(self, items: list[Item]) -> None:
        self._all = {item.id: item for item in items}
        self._pending.clear()
        if self.searching:
            return  # keep the results; the full list is back when the search ends
        selected = self.current_item()
        self.model.set_items(items)
        if selected is not None and not self.select_item(selected.id):
            self.detail.show_item(None)
        errors = sum(1 for item in items if item.state == ItemState.ERROR)
        if errors:
            self.show_message(
                lambda: tr("{n} items, {errors} could not be read").format(
                    n=len(items), errors=errors
                )
            )
        elif items:
            self.show_message(self._count_text)
        self._emit_counts()

    @Slot(object)
    def _on_item_changed(self, item: Item) -> None:
        self._on_items_added([item])

    @Slot(list)
    def _on_items_added(self, items: list[Item]) -> None:
        # New rows and changed ones, applied in the same time-boxed slices.
        for item in items:
            self._pending[item.id] = item
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot(list)
    def _on_items_removed(self, item_ids: list[int]) -> None:
        selected = self.current_item()
        for item_id in item_ids:
            self._all.pop(item_id, None)
            self._pending.pop(item_id, None)
        self.model.remove_items(item_ids)
        if selected is not None and selected.id in item_ids:
            self.detail.show_item(None)
        self._emit_counts()

    @Slot()
    def _flush_changes(self) -> None:
        """Apply queued item changes for at most ``BATCH_MS``, then yield to the event loop."""
        deadline = time.monotonic() + BATCH_MS / 1000
        new: list[Item] = []
        while self._pending and time.monotonic() < deadline:
            item_id = next(iter(self._pending))
            item = self._pending.pop(item_id)
            self._all[item.id] = item
            if self.model.row_of(item.id) is not None:
                self.model.update_item(item)
            elif not self.searching:
                new.append(item)  # inserted together: one pass over the rows
                if len(new) >= INSERT_BATCH:
                    self.model.insert_items(new)
                    new = []
            self.detail.update_item(item)
        self.model.insert_items(new)
        if self._pending:
            self._flush_timer.start()
        else:
            self._emit_counts()

    @Slot(list)
    def _on_ingested(self, items: list[Item]) -> None:
        errors = sum(1 for item in items if item.state == ItemState.ERROR)
        if errors:
            self.show_message(
                lambda: tr("Read {n} items, {errors} with errors").format(
                    n=len(items), errors=errors
                )
            )
        else:
            self.show_message(lambda: tr("Read {n} items").format(n=len(items)))

    @Slot(int, list)
    def _on_suggestions_loaded(self, item_id: int, suggestions: list[Suggestion]) -> None:
        self.detail.set_suggestions(item_id, suggestions)
        self.model.set_item_open_kinds(item_id, tuple(str(s.kind) for s in suggestions))

    @Slot(list)
    def _on_categories_loaded(self, categories: list) -> None:
        self.detail.set_categories(categories)

    @Slot(object)
    def _on_overview_loaded(self, overview: Overview) -> None:
        self.overview = overview
        self.proxy.read_later = overview.read_later
        self.model.set_open_kinds(overview.open_kinds)
        self.nav.set_overview(overview)
        self._emit_counts()

    def _emit_counts(self) -> None:
        unread = self.model.unread_count() if not self.searching else self.nav.unread
        self.nav.set_unread(unread)
        self.counts_changed.emit(unread, len(self._open_items()))

    def _open_items(self) -> list[int]:
        return [item_id for item_id, kinds in self.model.open_kinds.items() if kinds]

    @Slot(int, str)
    def _on_summary_streamed(self, item_id: int, text: str) -> None:
        self.detail.summary.append(item_id, text)

    @Slot(int, object)
    def _on_summary_finished(self, item_id: int, summary: object) -> None:
        self.detail.summary.finish(item_id, summary)

    @Slot(object)
    def _on_feedback_recorded(self, suggestion: Suggestion) -> None:
        self.show_message(
            lambda: f"{tr('Suggestion ' + str(suggestion.state))}: {engine_text(suggestion.reason)}"
        )

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:  # noqa: FBT001 - a slot
        if not busy and self._all:
            self.show_message(self._count_text)

    def _count_text(self) -> str:
        return tr("{n} items").format(n=len(self._all))

    # -- Qt overrides -----------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the window's own texts (the panes and the list do theirs)."""
        retranslate_menus(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._left_item()
        if self.keep_running_in_tray:
            # A tray keeps Sift watching; Quit (tray or File menu) ends it.
            event.ignore()
            self.hide()
            self.hidden_to_tray.emit()
            return
        self.closed.emit()
        super().closeEvent(event)
