"""The left pane: views, sources, categories and document types, with counts.

Filled from an ``Overview`` computed on the engine thread; clicking a row
emits the ``ItemFilter`` the item list applies. Rebuilding keeps the selected
row selected, so counts can refresh while the user works.
"""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import QEvent
from PySide6.QtCore import QSignalBlocker
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QTreeWidget
from PySide6.QtWidgets import QTreeWidgetItem
from PySide6.QtWidgets import QWidget

from assistant.types import ItemKind
from ui import reading
from ui.i18n import is_language_change
from ui.i18n import tr
from ui.icons import icon
from ui.overview import ALL_ITEMS
from ui.overview import FilterKind
from ui.overview import ItemFilter
from ui.overview import Overview

FILTER_ROLE = Qt.ItemDataRole.UserRole + 10

VIEWS = (
    (FilterKind.ALL, "All items", "inbox"),
    (FilterKind.UNREAD, "Unread", "unread"),
    (FilterKind.READ_NEXT, "Read next", "later"),
    (FilterKind.SUGGESTIONS, "Suggestions", "suggestion"),
    (FilterKind.READ_LATER, "Read later", "later"),
    (FilterKind.UNSURE, "Unsure", "unsure"),
    (FilterKind.JUNK, "Junk", "junk"),
    (FilterKind.ERRORS, "Errors", "error"),
)

SOURCE_ICONS = {"folder": "folder", "mbox": "mail", "maildir": "mail", "file": "file"}


def source_label(path: str) -> str:
    """A short name for a source: its last path part."""
    return PurePath(path).name or path


class NavPane(QTreeWidget):
    """Views, sources and categories with item counts.

    Signals:
        filter_chosen(object): the ``ItemFilter`` of the clicked row.
    """

    filter_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navPane")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(10)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.overview = Overview()
        self.unread = 0
        self.current_filter: ItemFilter = ALL_ITEMS
        self.currentItemChanged.connect(self._on_current_changed)
        self._rebuild()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self._rebuild()  # the section and view names are built in the UI language
        super().changeEvent(event)

    # -- content -----------------------------------------------------------

    def set_overview(self, overview: Overview) -> None:
        """New counts (keeps the selection)."""
        self.overview = overview
        self._rebuild()

    def set_unread(self, unread: int) -> None:
        """The unread count (kept by the item model, not the engine)."""
        if unread != self.unread:
            self.unread = unread
            row = self.row_for(ItemFilter(FilterKind.UNREAD))
            if row is not None:
                row.setText(1, str(unread))

    def row_for(self, item_filter: ItemFilter) -> QTreeWidgetItem | None:
        """The row that selects ``item_filter``, or ``None``."""
        for section in range(self.topLevelItemCount()):
            top = self.topLevelItem(section)
            for index in range(top.childCount()):
                child = top.child(index)
                if child.data(0, FILTER_ROLE) == item_filter:
                    return child
        return None

    def count_of(self, item_filter: ItemFilter) -> int | None:
        """The count shown next to a row (``None`` if no such row)."""
        row = self.row_for(item_filter)
        return None if row is None else int(row.text(1) or 0)

    def choose(self, item_filter: ItemFilter) -> None:
        """Select a row as a click would (emits ``filter_chosen``)."""
        row = self.row_for(item_filter)
        if row is None:
            return
        if row is self.currentItem():
            self._on_clicked(row, 0)
        else:
            self.setCurrentItem(row)  # currentItemChanged applies it

    # -- building ----------------------------------------------------------

    def _section(self, title: str) -> QTreeWidgetItem:
        top = QTreeWidgetItem(self, [tr(title), ""])
        top.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = top.font(0)
        font.setBold(True)
        top.setFont(0, font)
        top.setExpanded(True)
        return top

    def _row(
        self,
        parent: QTreeWidgetItem,
        text: str,
        count: int,
        item_filter: ItemFilter,
        icon_name: str,
    ) -> None:
        row = QTreeWidgetItem(parent, [text, str(count)])
        row.setData(0, FILTER_ROLE, item_filter)
        row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.setIcon(0, icon(icon_name))
        row.setToolTip(0, item_filter.value or text)

    def _rebuild(self) -> None:
        selected = self.current_filter
        with QSignalBlocker(self):
            self.clear()
            overview = self.overview
            views = self._section("Views")
            for kind, title, icon_name in VIEWS:
                if kind == FilterKind.ALL:
                    count = overview.total
                elif kind == FilterKind.UNREAD:
                    count = self.unread
                elif kind == FilterKind.READ_NEXT:
                    count = min(self.unread, reading.READ_NEXT_LIMIT)
                else:
                    count = overview.counts.get(kind, 0)
                self._row(views, tr(title), count, ItemFilter(kind), icon_name)
            if overview.sources:
                sources = self._section("Sources")
                for source in overview.sources:
                    name = source_label(source.path)
                    if source.paused:
                        name += " " + tr("(paused)")
                    self._row(
                        sources,
                        name,
                        source.count,
                        ItemFilter(FilterKind.SOURCE, source.path),
                        SOURCE_ICONS.get(source.kind, "file"),
                    )
            for kind, title, icon_name in (
                (ItemKind.MAIL, "Categories", "tag"),
                (ItemKind.DOCUMENT, "Document types", "file"),
            ):
                names = [(name, n) for k, name, n in overview.categories if k == kind]
                if names:
                    section = self._section(title)
                    for name, n in names:
                        self._row(
                            section, name, n, ItemFilter(FilterKind.CATEGORY, name), icon_name
                        )
            row = self.row_for(selected)
            if row is not None:
                self.setCurrentItem(row)

    # -- clicks ------------------------------------------------------------

    @Slot(QTreeWidgetItem, int)
    def _on_clicked(self, row: QTreeWidgetItem, _column: int) -> None:
        item_filter = row.data(0, FILTER_ROLE)
        if isinstance(item_filter, ItemFilter):
            self.current_filter = item_filter
            self.filter_chosen.emit(item_filter)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current_changed(self, row: QTreeWidgetItem | None, _old: object) -> None:
        # Keyboard navigation in the pane filters too, as a click does.
        if row is not None:
            self._on_clicked(row, 0)
