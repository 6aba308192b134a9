"""The main window: item table on the left, detail pane on the right.

It receives an ``EngineClient`` (wired in ``ui.app``), asks it for work with
non-blocking calls and updates itself from the worker's signals, delivered by
queued connections to the ``@Slot`` methods below.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QAction
from PySide6.QtGui import QCloseEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QWidget

from assistant.types import Item
from assistant.types import ItemState
from assistant.types import Progress
from assistant.types import Suggestion
from assistant.types import TrainReport
from ui.client import EngineClient
from ui.detail_pane import DetailPane
from ui.item_model import Column
from ui.item_model import ItemSortProxy
from ui.item_model import ItemTableModel

MESSAGE_MS = 8_000
MAIL_FILTER = "Mail files (*.mbox *.eml *.mbx);;All files (*)"


class MainWindow(QMainWindow):
    """Sift's window.

    Args:
        engine: the handle on the engine thread.
        summarize: whether ingests ask for summaries.
        parent: the owning widget.

    Signals:
        closed(): the window was closed; the composition root shuts down.
    """

    closed = Signal()

    def __init__(
        self, engine: EngineClient, *, summarize: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.summarize = summarize
        self._busy = False
        self.setWindowTitle("Sift")
        self.setMinimumSize(1024, 640)

        self.model = ItemTableModel(self)
        self.proxy = ItemSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.SOURCE, 115),
            (Column.CATEGORY, 125),
            (Column.JUNK, 56),
            (Column.PRIORITY, 56),
            (Column.DATE, 118),
        ):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.detail = DetailPane(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([630, 394])
        self.setCentralWidget(self.splitter)

        self._build_toolbar()
        self.status_label = QLabel("Starting…", self)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_bar)

        self.detail.suggestion_accepted.connect(engine.accept)
        self.detail.suggestion_rejected.connect(engine.reject)
        self.detail.category_chosen.connect(engine.label)
        self.detail.retry_requested.connect(engine.retry)
        self.detail.junk_marked.connect(self._on_junk_marked)
        self._connect_worker()

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_folder_action = QAction("Add folder…", self)
        self.add_folder_action.triggered.connect(self._on_add_folder)
        self.add_file_action = QAction("Add mail file…", self)
        self.add_file_action.triggered.connect(self._on_add_file)
        menu = QMenu(self)
        menu.addAction(self.add_folder_action)
        menu.addAction(self.add_file_action)
        self.add_source_action = QAction("Add source…", self)
        self.add_source_action.setToolTip("Add a folder, or an mbox / .eml mail file, to read")
        self.add_source_action.setMenu(menu)
        self.add_source_action.triggered.connect(self._on_add_folder)
        self.train_action = QAction("Train", self)
        self.train_action.setToolTip("Learn from your feedback (kept only if it measures better)")
        self.train_action.triggered.connect(self.engine.train)
        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.engine.load_items)
        toolbar.addAction(self.add_source_action)
        button = toolbar.widgetForAction(self.add_source_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        toolbar.addAction(self.train_action)
        toolbar.addAction(self.refresh_action)

    def _connect_worker(self) -> None:
        worker = self.engine.worker
        worker.opened.connect(self._on_opened)
        worker.items_loaded.connect(self._on_items_loaded)
        worker.item_changed.connect(self._on_item_changed)
        worker.ingested.connect(self._on_ingested)
        worker.suggestions_loaded.connect(self._on_suggestions_loaded)
        worker.categories_loaded.connect(self._on_categories_loaded)
        worker.feedback_recorded.connect(self._on_feedback_recorded)
        worker.progress_changed.connect(self._on_progress_changed)
        worker.busy_changed.connect(self._on_busy_changed)
        worker.trained.connect(self._on_trained)
        worker.failed.connect(self._on_failed)

    # -- queries ----------------------------------------------------------

    def current_item(self) -> Item | None:
        """The selected item, or ``None``."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.item_at(self.proxy.mapToSource(rows[0]).row())

    def select_item(self, item_id: int) -> bool:
        """Select an item's row; returns whether it is in the table."""
        row = self.model.row_of(item_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def show_message(self, text: str) -> None:
        """A status-bar message (the first line of ``text``; the rest as tooltip)."""
        first, _, rest = text.partition("\n")
        self.status_label.setText(first)
        self.status_label.setToolTip(rest.strip() or first)

    # -- user actions -----------------------------------------------------

    @Slot()
    def _on_add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to read")
        if folder:
            self._add_source(Path(folder))

    @Slot()
    def _on_add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add a mail file", "", MAIL_FILTER)
        if path:
            self._add_source(Path(path))

    def _add_source(self, path: Path) -> None:
        self.show_message(f"Reading {path}…")
        self.engine.add_source(path, summarize=self.summarize)

    @Slot(int, bool)
    def _on_junk_marked(self, item_id: int, junk: bool) -> None:  # noqa: FBT001 - a slot
        self.engine.mark_junk(item_id, junk=junk)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        item = self.current_item()
        self.detail.show_item(item)
        if item is not None and item.state != ItemState.ERROR:
            self.engine.load_suggestions(item.id)
        elif item is not None:
            self.detail.set_suggestions(item.id, [])

    # -- engine results ---------------------------------------------------

    @Slot()
    def _on_opened(self) -> None:
        self.show_message("Ready")

    @Slot(list)
    def _on_items_loaded(self, items: list[Item]) -> None:
        selected = self.current_item()
        self.model.set_items(items)
        if selected is not None and not self.select_item(selected.id):
            self.detail.show_item(None)
        errors = sum(1 for item in items if item.state == ItemState.ERROR)
        if errors:
            self.show_message(f"{len(items)} items, {errors} could not be read")
        elif items:
            self.show_message(f"{len(items)} items")

    @Slot(object)
    def _on_item_changed(self, item: Item) -> None:
        self.model.update_item(item)
        self.detail.update_item(item)

    @Slot(list)
    def _on_ingested(self, items: list[Item]) -> None:
        errors = sum(1 for item in items if item.state == ItemState.ERROR)
        text = f"Read {len(items)} items"
        self.show_message(text + (f", {errors} with errors" if errors else ""))

    @Slot(int, list)
    def _on_suggestions_loaded(self, item_id: int, suggestions: list[Suggestion]) -> None:
        self.detail.set_suggestions(item_id, suggestions)

    @Slot(list)
    def _on_categories_loaded(self, categories: list) -> None:
        self.detail.set_categories(categories)

    @Slot(object)
    def _on_feedback_recorded(self, suggestion: Suggestion) -> None:
        self.show_message(f"Suggestion {suggestion.state}: {suggestion.reason}")

    @Slot(object)
    def _on_progress_changed(self, progress: Progress) -> None:
        # Progress also comes outside ingest/train (loading a model for a relabel).
        self.progress_bar.setVisible(self._busy or progress.done < progress.total)
        self.progress_bar.setRange(0, max(progress.total, 0))
        self.progress_bar.setValue(min(progress.done, progress.total))
        self.progress_bar.setFormat(f"{progress.stage} %v/%m")
        detail = f": {progress.message}" if progress.message else ""
        self.show_message(f"{progress.stage.capitalize()} {progress.done}/{progress.total}{detail}")

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:  # noqa: FBT001 - a slot
        self._busy = busy
        self.progress_bar.setVisible(busy)
        if busy:
            self.progress_bar.setRange(0, 0)  # busy indicator until progress arrives

    @Slot(object)
    def _on_trained(self, report: TrainReport) -> None:
        verdict = "promoted" if report.promoted else "kept the current model"
        self.show_message(f"Training ({report.trained_on} examples): {verdict}. {report.reason}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.show_message(f"⚠ {message}")

    # -- Qt overrides -----------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
