"""The status bar: one line of text and a progress bar for long engine work."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QStatusBar

from assistant.types import Progress
from assistant.types import TrainReport
from ui.i18n import tr


class StatusLine(QObject):
    """Shows messages, progress and errors in a window's status bar.

    Args:
        bar: the window's ``QStatusBar``.
        parent: the owning object.

    Attributes:
        label: the message (first line; the rest is its tooltip).
        progress_bar: shown while the engine is busy.
    """

    def __init__(self, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.label = QLabel(tr("Starting…"), bar)
        self.progress_bar = QProgressBar(bar)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        bar.addWidget(self.label, 1)
        bar.addPermanentWidget(self.progress_bar)

    def show_message(self, text: str) -> None:
        """The first line of ``text``; the rest as the tooltip."""
        first, _, rest = text.partition("\n")
        self.label.setText(first)
        self.label.setToolTip(rest.strip() or first)

    @Slot(object)
    def on_progress(self, progress: Progress) -> None:
        """Move the bar (progress also comes outside ingests: a model loading)."""
        self.progress_bar.setVisible(self.busy or progress.done < progress.total)
        self.progress_bar.setRange(0, max(progress.total, 0))
        self.progress_bar.setValue(min(progress.done, progress.total))
        self.progress_bar.setFormat(f"{progress.stage} %v/%m")
        detail = f": {progress.message}" if progress.message else ""
        self.show_message(f"{progress.stage.capitalize()} {progress.done}/{progress.total}{detail}")

    @Slot(bool)
    def on_busy(self, busy: bool) -> None:  # noqa: FBT001 - a slot
        """Show the bar while the engine works (a busy indicator until progress arrives)."""
        self.busy = busy
        self.progress_bar.setVisible(busy)
        if busy:
            self.progress_bar.setRange(0, 0)

    @Slot(object)
    def on_trained(self, report: TrainReport) -> None:
        """Say what training did."""
        verdict = "promoted" if report.promoted else "kept the current model"
        self.show_message(f"Training ({report.trained_on} examples): {verdict}. {report.reason}")

    @Slot(str)
    def on_failed(self, message: str) -> None:
        """An engine error (a traceback, for bugs, goes to the tooltip)."""
        self.show_message(f"⚠ {message}")
