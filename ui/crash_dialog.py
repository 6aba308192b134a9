"""The crash dialog, shown by ``sys.excepthook`` for unexpected exceptions.

Expected problems (``UserError``) go to the status bar; this dialog is for
bugs only, with a traceback the user can copy into a report (after
qutebrowser's ``misc/crashsignal.py``).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from ui.i18n import is_language_change
from ui.i18n import tr

log = logging.getLogger(__name__)

CRASH_INTRO = (
    "Sift hit a bug. Your data is safe; you can keep working, or restart Sift.\n"
    "Please copy the report below when you tell us about it."
)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class CrashDialog(QDialog):
    """An unexpected error, with its traceback read-only and a Copy button.

    Args:
        report: the text to show and copy (usually a formatted traceback).
        parent: the owning widget.
    """

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(720, 420)
        intro = QLabel(self)
        intro.setWordWrap(True)
        self.intro = intro
        self.report_edit = QPlainTextEdit(report, self)
        self.report_edit.setReadOnly(True)
        self.report_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.report_edit, 1)
        layout.addWidget(self.buttons)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the texts in the UI language (the report stays as written)."""
        self.setWindowTitle(tr("Sift: unexpected error"))
        self.intro.setText(tr(CRASH_INTRO))
        self.copy_button.setText(tr("Copy report"))

    @Slot()
    def copy_report(self) -> None:
        """Put the report on the clipboard."""
        QGuiApplication.clipboard().setText(self.report_edit.toPlainText())


class CrashReporter(QObject):
    """Turns uncaught exceptions into crash dialogs on the GUI thread.

    Create it on the GUI thread; ``excepthook`` may run on any thread, and the
    queued ``crashed`` signal brings the report over.

    Signals:
        crashed(str): an uncaught exception's formatted traceback.
    """

    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialogs: list[CrashDialog] = []
        self._previous: ExceptHook | None = None
        self.crashed.connect(self.show_report)

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        """``sys.excepthook``: log the exception, then show it."""
        if issubclass(exc_type, KeyboardInterrupt) and self._previous is not None:
            self._previous(exc_type, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        self.crashed.emit("".join(traceback.format_exception(exc_type, exc, tb)))

    @Slot(str)
    def show_report(self, report: str) -> None:
        """Show a crash dialog (non-blocking: no nested event loop)."""
        dialog = CrashDialog(report)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialogs.append(dialog)
        dialog.open()

    @Slot()
    def _on_dialog_finished(self) -> None:
        self.dialogs = [d for d in self.dialogs if d.isVisible()]

    def install(self) -> None:
        """Become ``sys.excepthook``."""
        if self._previous is None:
            self._previous = sys.excepthook
            sys.excepthook = self.excepthook

    def uninstall(self) -> None:
        """Give ``sys.excepthook`` back."""
        if self._previous is not None:
            sys.excepthook = self._previous
            self._previous = None
