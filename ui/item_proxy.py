"""The filter between the item model and the list view (the sources pane's choice)."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QModelRoleDataSpan
from PySide6.QtCore import QObject
from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtCore import Qt

from assistant.types import Item
from ui.item_model import FILTER_ROLE
from ui.item_model import SORT_ROLE
from ui.item_model import Index
from ui.item_model import ItemTableModel
from ui.overview import ALL_ITEMS
from ui.overview import FilterKind
from ui.overview import ItemFilter
from ui.overview import matches


class ItemSortProxy(QSortFilterProxyModel):
    """Applies an ``ItemFilter`` to ``ItemTableModel``; sorting is passed to the model.

    The model's order shows through (the proxy never sorts itself), so a
    changed row keeps its place until the user sorts again, as in a mail client.

    The filter is Qt's own, on the model's ``FILTER_ROLE``, and not an
    override of ``filterAcceptsRow``: with every item shown the pattern is
    empty and Qt accepts each row without a call into Python, which under
    an ingest (the engine thread holding the GIL) cost the GUI thread up to
    77 ms for 3,000 rows (``bench/gui.py``).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        self.setDynamicSortFilter(True)
        self.item_filter: ItemFilter = ALL_ITEMS
        self._kept: set[int] = set()
        self.read_later: frozenset[int] = frozenset()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, ItemTableModel):
            model.sort(column, order)

    def set_filter(self, item_filter: ItemFilter) -> None:
        """Show only the items ``item_filter`` selects (the rows are filtered once)."""
        pattern = "" if shows_everything(item_filter) else "1"
        same_pattern = pattern == self.filterRegularExpression().pattern()
        if same_pattern:
            self.beginFilterChange()
        self.item_filter = item_filter
        # Rows unread when the Unread view opens stay in it once read, as in
        # Thunderbird: reading an item must not pull it from under the cursor.
        model = self.sourceModel()
        self._kept = set()
        if item_filter.kind == FilterKind.UNREAD and isinstance(model, ItemTableModel):
            self._kept = {
                i.id
                for i in model.items()
                if matches(item_filter, i, model.open_kinds, read=i.id in model.read_ids)
            }
        if isinstance(model, ItemTableModel):
            model.row_filter = None if not pattern else _weak_accepts(self)
        if same_pattern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.setFilterFixedString(pattern)  # filters the rows itself

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan) -> None:
        # Qt's proxies answer multiData with one data() call per role, each a
        # call into Python; the model fills every role of the cell in one.
        model = self.sourceModel()
        if isinstance(model, ItemTableModel):
            model.multiData(self.mapToSource(index), roleDataSpan)
        else:
            super().multiData(index, roleDataSpan)

    def accepts(self, item: Item) -> bool:
        """Whether the current filter shows ``item``."""
        model = self.sourceModel()
        if shows_everything(self.item_filter) or not isinstance(model, ItemTableModel):
            return True
        if item.id in self._kept:
            return True
        return matches(
            self.item_filter,
            item,
            model.open_kinds,
            read=item.id in model.read_ids,
            later=self.read_later,
        )


def shows_everything(item_filter: ItemFilter) -> bool:
    """Whether a filter keeps every row (a search or a ranking chooses its rows itself)."""
    return item_filter.kind in (FilterKind.ALL, FilterKind.SEARCH, FilterKind.READ_NEXT)


def _weak_accepts(proxy: ItemSortProxy) -> Callable[[Item], bool]:
    """``proxy.accepts`` without a reference to the proxy.

    A bound method kept by the model would make a model-proxy cycle that
    only the garbage collector frees, and a QObject whose Python half the
    collector clears can still get signals (the language switch) before Qt
    deletes it.
    """
    ref = weakref.ref(proxy)

    def accepts(item: Item) -> bool:
        alive = ref()
        return alive is None or alive.accepts(item)

    return accepts
