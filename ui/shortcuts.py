"""Keyboard shortcuts: one table, installed on the main window, shown as a sheet.

Single-letter keys (Gmail and Thunderbird style) are window shortcuts; a
focused text field takes the key first (``QLineEdit`` claims printable keys
through ShortcutOverride), so typing in the search box never triggers them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from ui.i18n import is_language_change
from ui.i18n import tr


@dataclass(frozen=True, slots=True)
class Shortcut:
    """One key and what it does.

    Attributes:
        key: the key sequence, as Qt writes it.
        action: the name of the main window's method it calls.
        text: what the sheet says it does (English; translated when shown).
    """

    key: str
    action: str
    text: str


SHORTCUTS = (
    Shortcut("J", "next_item", "Next item"),
    Shortcut("K", "previous_item", "Previous item"),
    Shortcut("A", "accept_first", "Accept the first open suggestion"),
    Shortcut("R", "reject_first", "Reject the first open suggestion"),
    Shortcut("E", "archive_current", "Archive the item"),
    Shortcut("U", "undo_last", "Undo the last action"),
    Shortcut("D", "show_digest", "Show the daily digest"),
    Shortcut("/", "focus_search", "Search"),
    Shortcut("?", "show_shortcuts", "Show this sheet"),
)
SHEET_ONLY = (Shortcut("Esc", "", "Clear the search"),)


def install_shortcuts(window: QWidget, target: object) -> dict[str, QShortcut]:
    """Create a ``QShortcut`` on ``window`` for each of ``SHORTCUTS``, calling ``target``.

    Returns:
        The shortcuts by action name.
    """
    made: dict[str, QShortcut] = {}
    for entry in SHORTCUTS:
        method: Callable[[], object] = getattr(target, entry.action)
        shortcut = QShortcut(QKeySequence(entry.key), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(method)
        made[entry.action] = shortcut
    return made


class ShortcutsDialog(QDialog):
    """The shortcuts sheet (``?``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = (*SHORTCUTS, *SHEET_ONLY)
        self.rows = rows
        self.table = QTableWidget(len(rows), 2, self)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        for row, entry in enumerate(rows):
            key = QTableWidgetItem(entry.key.lower() if len(entry.key) == 1 else entry.key)
            font = key.font()
            font.setBold(True)
            key.setFont(font)
            key.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, 0, key)
            self.table.setItem(row, 1, QTableWidgetItem())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.retranslate()
        # Tall enough for every row (no scrolling a ten-line sheet), at any font size.
        rows_height = len(rows) * self.table.verticalHeader().defaultSectionSize()
        frame = 2 * self.table.frameWidth() + header.sizeHint().height()
        self.table.setMinimumHeight(rows_height + frame)
        self.resize(440, self.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the title, headers and descriptions in the UI language."""
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([tr("Key"), tr("Action")])
        for row, entry in enumerate(self.rows):
            self.table.item(row, 1).setText(tr(entry.text))

    def keys(self) -> list[str]:
        """The keys listed, in order."""
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]
