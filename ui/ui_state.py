"""UI state kept between runs in QSettings: geometry, pane sizes, sort, read items.

UI state is not a user preference (those live in ``assistant.settings``
through the engine): losing it costs nothing, so it stays out of the
database and its migrations (Picard keeps ``persist`` apart from ``setting``).
Read item ids are stored as compact ranges, so 10,000 read items stay a few
hundred bytes in the common case of long runs of ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QByteArray
from PySide6.QtCore import QSettings
from PySide6.QtCore import Qt

from ui.main_window import MainWindow

READ_KEY = "items/read"


def encode_ids(ids: Iterable[int]) -> str:
    """``1-3,7,9-10`` for {1, 2, 3, 7, 9, 10}."""
    ordered = sorted(set(ids))
    parts: list[str] = []
    start = prev = None
    for value in ordered:
        if start is None:
            start = prev = value
        elif value == prev + 1:
            prev = value
        else:
            parts.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = value
    if start is not None:
        parts.append(f"{start}-{prev}" if start != prev else str(start))
    return ",".join(parts)


def decode_ids(text: str) -> set[int]:
    """The inverse of ``encode_ids``; bad parts are skipped."""
    ids: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            continue
        ids.update(range(low, high + 1))
    return ids


class UiState:
    """Saves and restores a main window's state.

    Args:
        settings: where to keep it (``ui.app`` uses an ini file in Sift's config folder).
    """

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def restore(self, window: MainWindow) -> None:
        """Put back geometry, pane sizes, sort order and read items."""
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            window.splitter.restoreState(splitter)
        column = s.value("items/sort_column")
        order = s.value("items/sort_order")
        if column is not None and order is not None:
            window.table.sortByColumn(int(column), Qt.SortOrder(int(order)))
        window.model.read_ids |= decode_ids(str(s.value(READ_KEY, "") or ""))

    def save(self, window: MainWindow) -> None:
        """Remember the window's state now."""
        s = self.settings
        s.setValue("window/geometry", window.saveGeometry())
        s.setValue("window/splitter", window.splitter.saveState())
        s.setValue("items/sort_column", int(window.model.sort_column))
        s.setValue("items/sort_order", int(window.model.sort_order.value))
        s.setValue(READ_KEY, encode_ids(window.model.read_ids))
        s.sync()
