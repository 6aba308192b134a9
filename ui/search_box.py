"""The search box: Enter searches every item, Esc (or emptying it) leaves the results."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QWidget

from ui.i18n import is_language_change
from ui.i18n import tr


class SearchBox(QLineEdit):
    """A line edit for full-text search.

    Signals:
        search_requested(str): Enter with a non-empty query (stripped).
        cleared(): Esc, or the text was emptied (the clear button, or deleting it).
    """

    search_requested = Signal(str)
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.retranslate()
        self.setClearButtonEnabled(True)
        self.setMaximumWidth(320)
        self.returnPressed.connect(self._on_return)
        self.textChanged.connect(self._on_text_changed)

    @Slot()
    def _on_return(self) -> None:
        query = self.text().strip()
        if query:
            self.search_requested.emit(query)
        else:
            self.cleared.emit()

    @Slot(str)
    def _on_text_changed(self, text: str) -> None:
        if not text:
            self.cleared.emit()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The placeholder in the UI language."""
        self.setPlaceholderText(tr("Search all items (/)"))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc is handled here, not as a shortcut: it works whether or not
        # the window is the active one, and only while the box has focus.
        if event.key() == Qt.Key.Key_Escape:
            self.cleared.emit()
            event.accept()
            return
        super().keyPressEvent(event)
