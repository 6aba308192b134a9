"""The filter between the item model and the list view (the sources pane's choice)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtCore import Qt

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
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.item_filter: ItemFilter = ALL_ITEMS
        self._kept: set[int] = set()
        self.read_later: frozenset[int] = frozenset()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, ItemTableModel):
            model.sort(column, order)

    def set_filter(self, item_filter: ItemFilter) -> None:
        """Show only the items ``item_filter`` selects."""
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
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.item_filter is ALL_ITEMS:
            return True
        model = self.sourceModel()
        if not isinstance(model, ItemTableModel):
            return True
        item = model.item_at(source_row)
        if item.id in self._kept:
            return True
        return matches(
            self.item_filter,
            item,
            model.open_kinds,
            read=item.id in model.read_ids,
            later=self.read_later,
        )
