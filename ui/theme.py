"""Light and dark palettes that follow the system's colour scheme.

Qt 6.5+ reports the desktop's scheme through ``QStyleHints.colorScheme()``
and ``colorSchemeChanged``. Fusion with an explicit palette looks the same on
every platform and makes dark mode readable where the platform style has no
dark variant (Xvfb, many Linux desktops).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import Slot
from PySide6.QtGui import QColor
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

Role = QPalette.ColorRole

DARK = {
    Role.Window: "#202124",
    Role.WindowText: "#e8eaed",
    Role.Base: "#17181a",
    Role.AlternateBase: "#25272a",
    Role.ToolTipBase: "#303134",
    Role.ToolTipText: "#e8eaed",
    Role.PlaceholderText: "#9aa0a6",
    Role.Text: "#e8eaed",
    Role.Button: "#2d2e31",
    Role.ButtonText: "#e8eaed",
    Role.BrightText: "#ff8a80",
    Role.Highlight: "#3b6fd8",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#8ab4f8",
    Role.Mid: "#3c4043",
    Role.Dark: "#121314",
    Role.Light: "#3c4043",
}
LIGHT = {
    Role.Window: "#f3f3f3",
    Role.WindowText: "#1f1f1f",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f6f8fb",
    Role.ToolTipBase: "#ffffe8",
    Role.ToolTipText: "#1f1f1f",
    Role.PlaceholderText: "#80868b",
    Role.Text: "#1f1f1f",
    Role.Button: "#ececec",
    Role.ButtonText: "#1f1f1f",
    Role.BrightText: "#b3261e",
    Role.Highlight: "#2f6fde",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#1a56c4",
}


def palette_for(scheme: Qt.ColorScheme) -> QPalette:
    """The palette for a colour scheme (``Unknown`` is light)."""
    colours = DARK if scheme == Qt.ColorScheme.Dark else LIGHT
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QColor("#6f7378" if scheme == Qt.ColorScheme.Dark else "#9a9a9a")
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def is_dark(palette: QPalette) -> bool:
    """Whether a palette draws light text on a dark window."""
    return palette.color(Role.Window).lightness() < palette.color(Role.WindowText).lightness()


class ThemeFollower(QObject):
    """Applies the palette for the system's scheme now and whenever it changes.

    Args:
        app: the application.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        app.setStyle("Fusion")
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.apply)
        self.apply(hints.colorScheme())

    @Slot(Qt.ColorScheme)
    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Use the palette of ``scheme``."""
        self.scheme = scheme
        self.app.setPalette(palette_for(scheme))
        # Widgets with a style sheet keep the palette they were polished with;
        # setting the sheet again re-polishes them with the new one.
        for widget in self.app.allWidgets():
            sheet = widget.styleSheet()
            if sheet:
                widget.setStyleSheet(sheet)

    @staticmethod
    def force(app: QApplication, scheme: Qt.ColorScheme) -> None:
        """Ask Qt for a scheme (screenshots, tests); ``colorSchemeChanged`` follows."""
        app.styleHints().setColorScheme(scheme)
