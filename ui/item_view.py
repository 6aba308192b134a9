"""``ItemTableView``: the item list's view, painted in one hold of the GIL.

Qt paints a table by asking its model for every cell (an index, then the
cell's roles); with a model written in Python each of those is a call into
Python, which takes the GIL and gives it back. While the engine thread runs
Python, every take can wait up to the interpreter's switch interval, so a
paint of some hundred calls stalled the event loop for tens of milliseconds
during an ingest (``bench/gui.py``; up to seconds with a thread that never
leaves Python). Entering ``paintEvent`` in Python takes the GIL once: the
model calls made inside it find the GIL held and wait for nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QWidget


class _HeaderView(QHeaderView):
    """A header that paints its sections in one hold of the GIL."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)


class ItemTableView(QTableView):
    """A ``QTableView`` whose cells and column headers are painted in one hold of the GIL."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        header = _HeaderView(Qt.Orientation.Horizontal, self)
        # What QTableView sets on the header it makes itself.
        header.setSectionsClickable(True)
        header.setHighlightSections(True)
        self.setHorizontalHeader(header)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
