"""The tray icon: unread and pending counts, notifications, and life after close.

When the platform has a system tray, closing the window hides it and Sift
keeps watching; Quit in the tray menu (or the window's File menu) ends the
process. Without a tray (the offscreen platform, some desktops) closing the
window quits, as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QSystemTrayIcon
from PySide6.QtWidgets import QWidget

from assistant.types import Item
from assistant.types import ItemState
from ui.i18n import language_changed
from ui.i18n import tr
from ui.icons import app_icon

NOTIFY_MS = 8_000


def tooltip_text(unread: int, pending: int) -> str:
    """The tray tooltip: ``Sift — 3 unread, 2 suggestions``."""
    return tr("Sift — {unread} unread, {pending} suggestions").format(
        unread=unread, pending=pending
    )


def urgent_items(items: Iterable[Item], known: set[int], threshold: float) -> list[Item]:
    """New items at least ``threshold`` urgent, most urgent first."""
    fresh = [
        i
        for i in items
        if i.id not in known and i.state == ItemState.READY and i.priority >= threshold
    ]
    return sorted(fresh, key=lambda i: -i.priority)


class TrayController(QObject):
    """Owns the ``QSystemTrayIcon`` when the platform has a tray.

    Args:
        window: the main window (shown and hidden from the tray).

    Attributes:
        available: whether a system tray exists (else closing the window quits).
        messages: the notifications shown, as ``(title, text)`` (for tests and logs).

    Signals:
        quit_requested(): Quit chosen in the tray menu.
    """

    quit_requested = Signal()

    def __init__(self, window: QWidget, *, available: bool | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.messages: list[tuple[str, str]] = []
        self.unread = 0
        self.pending = 0
        self.icon = QSystemTrayIcon(app_icon(), self)
        menu = QMenu(window)
        self.show_action = QAction(menu)
        self.show_action.triggered.connect(self.show_window)
        self.quit_action = QAction(menu)
        self.quit_action.triggered.connect(self.quit_requested)
        menu.addAction(self.show_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.menu = menu
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._on_activated)
        self.set_counts(0, 0)
        self.retranslate()
        language_changed().changed.connect(self.retranslate)
        if self.available:
            self.icon.show()

    @Slot()
    def retranslate(self) -> None:
        """The menu and tooltip in the UI language."""
        self.show_action.setText(tr("Show Sift"))
        self.quit_action.setText(tr("Quit"))
        self.icon.setToolTip(tooltip_text(self.unread, self.pending))

    def set_counts(self, unread: int, pending: int) -> None:
        """Update the tooltip and the badge."""
        if (unread, pending) == (self.unread, self.pending) and self.icon.toolTip():
            return
        self.unread, self.pending = unread, pending
        self.icon.setToolTip(tooltip_text(unread, pending))
        self.icon.setIcon(app_icon(unread))

    def notify(self, title: str, text: str) -> None:
        """A desktop notification (recorded even without a tray)."""
        self.messages.append((title, text))
        if self.available and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text, app_icon(), NOTIFY_MS)

    def notify_urgent(self, items: list[Item]) -> None:
        """One notification for new urgent items."""
        if not items:
            return
        first = items[0]
        more = f" (+{len(items) - 1})" if len(items) > 1 else ""
        self.notify(f"Sift: {first.title[:80]}{more}", first.summary_text or first.title)

    @Slot()
    def show_window(self) -> None:
        """Bring the window back."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            if self.window.isVisible():
                self.window.hide()
            else:
                self.show_window()

    def hide(self) -> None:
        """Remove the icon (at quit)."""
        self.icon.hide()
