"""``ItemTableModel``: the item list as a Qt table, and its sorting proxy.

Rows are ``Item`` objects (frozen dataclasses) received from the engine
thread; the model never calls the engine. The model sorts itself by value
(dates, scores, text); ``ui.item_proxy`` filters it for the sources pane.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QModelRoleDataSpan
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont

from assistant.report import category_text
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from ui.i18n import colon
from ui.i18n import engine_text
from ui.i18n import engine_texts
from ui.i18n import join_list
from ui.i18n import kind_name
from ui.i18n import language_changed
from ui.i18n import tr

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
FILTER_ROLE = Qt.ItemDataRole.UserRole + 3
"""``"1"`` for a row that ``row_filter`` shows, else ``"0"`` (the proxy's filter role)."""

ERROR_TEXT = "⚠ error"
JUNK_BADGE = "⊘ junk"
UNSURE_JUNK_BADGE = "junk?"
UNREAD_BADGE = "●"
PENDING_BADGE = "◆"
ERROR_BADGE = "⚠"

_ERROR_COLOUR = QColor("#b3261e")
_JUNK_COLOUR = QColor("#777777")

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    """The table's columns, in order."""

    STATUS = 0
    TITLE = 1
    SOURCE = 2
    CATEGORY = 3
    JUNK = 4
    PRIORITY = 5
    DATE = 6


COLUMNS = tuple(Column)  # by number: faster than Column(number) for every painted cell
MAX_CACHED_CELLS = 50_000

HEADERS = {
    Column.STATUS: "",
    Column.TITLE: "Title",
    Column.SOURCE: "From/Path",
    Column.CATEGORY: "Category",
    Column.JUNK: "Junk",
    Column.PRIORITY: "Priority",
    Column.DATE: "Date",
}


def item_date(item: Item) -> str:
    """The mail's date or the file's modification time (ISO 8601, sortable)."""
    return item.date or item.created_at


def source_text(item: Item) -> str:
    """The sender of a mail, or the file name of a document (the full path is the tooltip)."""
    if item.kind == ItemKind.MAIL and item.metadata.get("from"):
        return item.metadata["from"]
    return PurePath(item.source_path.split("#", 1)[0]).name or item.source_path


def junk_badge(item: Item) -> str:
    """A short badge for the Junk column; empty for documents and clean mail."""
    if item.kind != ItemKind.MAIL or item.state == ItemState.ERROR:
        return ""
    if item.is_junk is None:
        return tr(UNSURE_JUNK_BADGE) if item.junk_probability > 0.5 else ""
    return tr(JUNK_BADGE) if item.is_junk else ""


def error_text(item: Item) -> str:
    """Why an item could not be read, in the UI language."""
    reason = engine_text(item.error or "unknown reason")
    return f"{tr('Could not read this item')}{colon()}{reason}"


def status_badges(item: Item, *, read: bool, open_count: int) -> str:
    """The status column: ``●`` unread, ``◆N`` open suggestions, ``⚠`` error."""
    if item.state == ItemState.ERROR:
        return ERROR_BADGE
    parts = [] if read else [UNREAD_BADGE]
    if open_count:
        parts.append(f"{PENDING_BADGE}{open_count}")
    return " ".join(parts)


class ItemTableModel(QAbstractTableModel):
    """Items as rows: status badges, Title, From/Path, Category, Junk, Priority, Date.

    Attributes:
        read_ids: items the user has opened (unread rows are bold).
        open_kinds: item id -> kinds of its open suggestions (the ◆ badge).
        row_filter: which rows a filtering proxy keeps (``FILTER_ROLE``);
            ``None``: every row.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Item] = []
        # The sort keys of the rows when they were sorted or inserted: new rows
        # go in by binary search. A changed row keeps its place and its old key.
        self._keys: list[Any] = []
        self._rows: dict[int, int] = {}  # item id -> row
        # (item id, column) -> role -> value, as painted: a repaint (every
        # change, every scroll) then costs lookups, not rendering in Python.
        self._cells: dict[tuple[int, int], dict[int, Any]] = {}
        self.row_filter: Callable[[Item], bool] | None = None
        self.read_ids: set[int] = set()
        self.open_kinds: Mapping[int, tuple[str, ...]] = {}
        self.sort_column: int = Column.DATE
        self.sort_order = Qt.SortOrder.DescendingOrder
        language_changed().changed.connect(self.retranslate)

    def retranslate(self) -> None:
        """Headers, badges and engine text in the new UI language (views repaint)."""
        self._cells.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._items:
            last = self.index(len(self._items) - 1, len(Column) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- Qt overrides -----------------------------------------------------
    # Every call from C++ into Python takes the GIL, and while the engine
    # thread runs Python each take can wait for its switch interval: the
    # GUI thread's cost is the number of these calls, so they are kept few.

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # QAbstractTableModel's own index() asks rowCount and columnCount
        # (two calls into Python) for every index a view or proxy makes.
        if parent.isValid() or not (0 <= row < len(self._items) and 0 <= column < len(Column)):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return tr(HEADERS[Column(section)]) if HEADERS[Column(section)] else ""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and section == Column.STATUS
        ):
            return tr("● unread, ◆ open suggestions, ⚠ could not be read")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        return self._value(self._items[index.row()], index.column(), role)

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan) -> None:
        # Qt's item delegate asks for every role of a cell at once: one call
        # into Python per painted cell instead of one per role (seven).
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < len(self._items)):
            for role_data in roleDataSpan:
                role_data.clearData()
            return
        item = self._items[row]
        key = (item.id, column)
        cell = self._cells.get(key)
        if cell is None:
            if len(self._cells) >= MAX_CACHED_CELLS:
                self._cells.clear()
            cell = self._cells[key] = {}
        for role_data in roleDataSpan:
            role = role_data.role()
            try:
                value = cell[role]
            except KeyError:
                value = cell[role] = self._value(item, column, role)
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _forget_cells(self, item_id: int) -> None:
        for column in range(len(Column)):
            self._cells.pop((item_id, column), None)

    def _value(self, item: Item, column_number: int, role: int) -> Any:
        if role == FILTER_ROLE:
            return "1" if self.row_filter is None or self.row_filter(item) else "0"
        column = COLUMNS[column_number]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.STATUS:
                return self.status_text(item)
            return self._display(item, column)
        if role == SORT_ROLE:
            if column == Column.STATUS:
                return self._status_key(item)
            return self._sort_key(item, column)
        if role == Qt.ItemDataRole.FontRole and item.id not in self.read_ids:
            font = QFont()
            font.setBold(item.state != ItemState.ERROR)
            return font
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS:
                return self._status_tooltip(item)
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if item.state == ItemState.ERROR:
                return QBrush(_ERROR_COLOUR)
            if item.is_junk:
                return QBrush(_JUNK_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.PRIORITY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def status_text(self, item: Item) -> str:
        """The status column's badges for one item."""
        read = item.id in self.read_ids
        return status_badges(item, read=read, open_count=len(self.open_kinds.get(item.id, ())))

    def _status_tooltip(self, item: Item) -> str:
        if item.state == ItemState.ERROR:
            return error_text(item)
        kinds = self.open_kinds.get(item.id, ())
        parts = [tr("read") if item.id in self.read_ids else tr("unread")]
        if kinds:
            parts.append(tr("open suggestions") + colon() + ", ".join(kind_name(k) for k in kinds))
        return join_list(parts)

    # -- badges -----------------------------------------------------------

    def set_open_kinds(self, open_kinds: Mapping[int, tuple[str, ...]]) -> None:
        """New open-suggestion badges for every row."""
        self.open_kinds = open_kinds
        self._cells.clear()
        self._column_changed(Column.STATUS)

    def set_item_open_kinds(self, item_id: int, kinds: tuple[str, ...]) -> None:
        """New open-suggestion badge for one item."""
        self.open_kinds = {**self.open_kinds, item_id: kinds}
        self._row_changed(item_id)

    def set_read(self, item_id: int, *, read: bool = True) -> None:
        """Mark one item read or unread."""
        if read == (item_id in self.read_ids):
            return
        if read:
            self.read_ids.add(item_id)
        else:
            self.read_ids.discard(item_id)
        self._row_changed(item_id)

    def unread_count(self) -> int:
        """Rows not opened yet (errors excluded)."""
        return sum(
            1 for i in self._items if i.id not in self.read_ids and i.state != ItemState.ERROR
        )

    def _row_changed(self, item_id: int) -> None:
        self._forget_cells(item_id)
        row = self._rows.get(item_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _column_changed(self, column: int) -> None:
        if self._items:
            last = len(self._items) - 1
            self.dataChanged.emit(self.index(0, column), self.index(last, column))

    # -- content ----------------------------------------------------------

    def set_items(self, items: list[Item], *, keep_order: bool = False) -> None:
        """Replace every row, sorted (or in the given order: a ranking)."""
        self.beginResetModel()
        self._cells.clear()
        self._arrange(items, sort=not keep_order)
        # The engine keeps read marks and sends them with the item.
        self.read_ids.update(i.id for i in self._items if i.read)
        self.endResetModel()

    def _arrange(self, items: Iterable[Item], *, sort: bool) -> None:
        """Set the rows (sorted by the current key, or as given), their keys and ids."""
        keyed = [(self._key(item), item) for item in items]
        if sort:
            keyed.sort(key=lambda pair: pair[0], reverse=self._descending)
        self._keys = [key for key, _ in keyed]
        self._items = [item for _, item in keyed]
        self._reindex()

    def _reindex(self) -> None:
        self._rows = {item.id: row for row, item in enumerate(self._items)}

    def insert_items(self, items: Iterable[Item]) -> None:
        """Add new rows in their sorted places; rows already shown are updated in place.

        One insert per new row, so a proxy and the view see only those rows
        (a reset would make them look at every row again, and drop the
        selection). An empty table is filled by one reset.
        """
        new: dict[int, Item] = {}
        for item in items:
            if item.id in self._rows:
                self.update_item(item)
            else:
                new[item.id] = item
        if not new:
            return
        if not self._items:
            self.set_items(list(new.values()))
            return
        for item in new.values():
            self._insert(item)
        self._reindex()

    def remove_items(self, item_ids: Iterable[int]) -> None:
        """Take rows out (ids not shown are ignored)."""
        rows = sorted({row for i in item_ids if (row := self._rows.get(i)) is not None})
        if not rows:
            return
        for row in reversed(rows):  # from the bottom: the rows above keep their numbers
            self.beginRemoveRows(QModelIndex(), row, row)
            item = self._items.pop(row)
            del self._keys[row]
            self._forget_cells(item.id)
            self.endRemoveRows()
        self._reindex()

    def _insert(self, item: Item) -> int:
        # The caller calls ``_reindex``.
        key = self._key(item)
        row = self._insert_position(key)
        self._forget_cells(item.id)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, item)
        self._keys.insert(row, key)
        if item.read:
            self.read_ids.add(item.id)
        self.endInsertRows()
        return row

    # -- sorting ----------------------------------------------------------
    # The model sorts itself with Python's sort on precomputed keys; a
    # sorting proxy would call data() from C++ for every comparison, which
    # costs about a second for 10,000 rows and runs again on every change.

    @property
    def _descending(self) -> bool:
        return self.sort_order == Qt.SortOrder.DescendingOrder

    def _key(self, item: Item) -> Any:
        if self.sort_column == Column.STATUS:
            return self._status_key(item)
        return self._sort_key(item, Column(self.sort_column))

    def _status_key(self, item: Item) -> int:
        # Unread first, then by open suggestions.
        unread = 0 if item.id in self.read_ids else 1000
        return unread + len(self.open_kinds.get(item.id, ()))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._items[i.row()].id if i.row() < len(self._items) else None for i in old]
        self.sort_column, self.sort_order = column, order
        self._arrange(self._items, sort=True)
        new = []
        for index, item_id in zip(old, ids, strict=True):
            row = self._rows.get(item_id) if item_id is not None else None
            new.append(QModelIndex() if row is None else self.index(row, index.column()))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def update_item(self, item: Item) -> bool:
        """Replace one row in place (dataChanged only); a new item is appended.

        Returns:
            True if the item was already in the table.
        """
        row = self._rows.get(item.id)
        if row is None:
            self._insert(item)
            self._reindex()
            return False
        self._items[row] = item
        self._forget_cells(item.id)
        if item.read:
            self.read_ids.add(item.id)
        last = self.index(row, len(Column) - 1)
        self.dataChanged.emit(self.index(row, 0), last)
        return True

    def _insert_position(self, key: Any) -> int:
        """After the rows whose keys sort before or equal to ``key`` (binary search)."""
        low, high = 0, len(self._keys)
        descending = self._descending
        while low < high:
            middle = (low + high) // 2
            other = self._keys[middle]
            if (other >= key) if descending else (other <= key):
                low = middle + 1
            else:
                high = middle
        return low

    def items(self) -> list[Item]:
        """Every row's item (a copy of the list)."""
        return list(self._items)

    def item_at(self, row: int) -> Item:
        """The item on one row (of this model, not of a proxy)."""
        return self._items[row]

    def row_of(self, item_id: int) -> int | None:
        """The row of an item, or ``None``."""
        return self._rows.get(item_id)

    # -- rendering --------------------------------------------------------

    @staticmethod
    def _display(item: Item, column: Column) -> str:
        match column:
            case Column.TITLE:
                return item.title
            case Column.SOURCE:
                return source_text(item)
            case Column.CATEGORY:
                if item.state == ItemState.ERROR:
                    return tr(ERROR_TEXT)
                if item.state == ItemState.PENDING:
                    return "…"
                return engine_text(category_text(item))
            case Column.JUNK:
                return junk_badge(item)
            case Column.PRIORITY:
                return "" if item.state == ItemState.ERROR else f"{item.priority:.2f}"
            case Column.DATE:
                return item_date(item)[:16].replace("T", " ")

    @staticmethod
    def _sort_key(item: Item, column: Column) -> Any:
        match column:
            case Column.PRIORITY:
                return item.priority
            case Column.JUNK:
                return item.junk_probability
            case Column.DATE:
                return item_date(item)
            case Column.CATEGORY:
                return "\uffff" if item.state == ItemState.ERROR else (item.category or "")
            case Column.SOURCE:
                return source_text(item).casefold() + "\0" + item.source_path
            case _:
                return ItemTableModel._display(item, column).casefold()

    @staticmethod
    def _tooltip(item: Item, column: Column) -> str | None:
        if item.state == ItemState.ERROR:
            return error_text(item)
        if column == Column.CATEGORY and item.category_clues:
            return f"{tr('Why')}{colon()}" + join_list(engine_texts(item.category_clues[:3]))
        if column == Column.JUNK and item.junk_clues:
            return f"{item.junk_probability:.0%}{colon()}" + join_list(
                engine_texts(item.junk_clues[:3])
            )
        if column == Column.SOURCE:
            return item.source_path
        if column == Column.TITLE:
            return item.summary_text or item.title
        return None
