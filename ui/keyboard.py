"""What the keyboard shortcuts do: the slots behind j, k, a, r, e, u, d, / and ?.

Kept apart from the window's layout code; each action works on the main
window's list and detail pane as a mouse user would (clicking a card's
button), so a shortcut and a click record exactly the same feedback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import Slot

from assistant.types import ActionRecord
from assistant.types import SuggestionKind
from ui.i18n import colon
from ui.i18n import engine_text
from ui.i18n import tr
from ui.shortcuts import ShortcutsDialog
from ui.suggestion_card import SuggestionCard

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class KeyboardActions(QObject):
    """The shortcut actions of one main window.

    Args:
        window: the main window acted on.

    Attributes:
        shortcuts_dialog: the shortcuts sheet, once shown.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shortcuts_dialog: ShortcutsDialog | None = None

    @Slot()
    def next_item(self) -> None:
        """Select the next row (j)."""
        self._move(1)

    @Slot()
    def previous_item(self) -> None:
        """Select the previous row (k)."""
        self._move(-1)

    def _move(self, step: int) -> None:
        rows = self.window.table.selectionModel().selectedRows()
        count = self.window.proxy.rowCount()
        if not count:
            return
        row = rows[0].row() + step if rows else (0 if step > 0 else count - 1)
        row = max(0, min(count - 1, row))
        self.window.table.selectRow(row)
        self.window.table.scrollTo(self.window.proxy.index(row, 0))

    def _first_open_card(self, kind: str | None = None) -> SuggestionCard | None:
        for card in self.window.detail.cards:
            if card.accept_button.isEnabled() and (kind is None or card.suggestion.kind == kind):
                return card
        return None

    @Slot()
    def accept_first(self) -> None:
        """Accept the first open suggestion of the shown item (a)."""
        card = self._first_open_card()
        if card is not None:
            card.accept_button.click()

    @Slot()
    def reject_first(self) -> None:
        """Reject the first open suggestion of the shown item (r)."""
        card = self._first_open_card()
        if card is not None:
            card.reject_button.click()

    @Slot()
    def archive_current(self) -> None:
        """Archive the shown item (e): accept its archive suggestion."""
        item = self.window.current_item()
        if item is None:
            return
        card = self._first_open_card(SuggestionKind.ARCHIVE)
        if card is not None:
            card.accept_button.click()  # the engine archives on Accept
        else:
            self.window.show_message(
                lambda: (
                    f"{tr('Archive the item')}{colon()}{tr('no archive suggestion for this item')}"
                )
            )

    @Slot()
    def undo_last(self) -> None:
        """Undo the last action (u)."""
        self.window.engine.call(lambda sift: sift.undo(), self._on_action_done)

    def undo(self, action_id: int) -> None:
        """Undo one action (the status line's Undo)."""
        self.window.engine.call(lambda sift: sift.undo(action_id), self._on_action_done)

    def _on_action_done(self, record: ActionRecord) -> None:
        engine = self.window.engine
        engine.load_items()
        item = self.window.current_item()
        if item is not None:  # an undone accept opens its suggestion again
            engine.load_suggestions(item.id)

        # Said after the reload (the engine thread answers in order), so the
        # item count that reload shows does not hide what was undone.
        def text() -> str:
            return f"{tr('Undo')}{colon()}{engine_text(record.summary)}"

        engine.call(lambda _sift: None, lambda _none: self.window.show_message(text))

    @Slot()
    def focus_search(self) -> None:
        """Put the cursor in the search box (/)."""
        self.window.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.window.search_box.selectAll()

    @Slot()
    def show_digest(self) -> None:
        """Show today's digest (d)."""
        self.window.open_digest()

    @Slot()
    def show_shortcuts(self) -> None:
        """Show the shortcuts sheet (?)."""
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self.window)
        self.shortcuts_dialog.open()
