"""The status bar: one line of text, an Undo for the last action, and a progress bar."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QStatusBar

from assistant.types import ActionRecord
from assistant.types import Progress
from assistant.types import TrainReport
from ui.i18n import tr


class StatusLine(QObject):
    """Shows messages, progress and errors in a window's status bar.

    Args:
        bar: the window's ``QStatusBar``.
        parent: the owning object.

    Signals:
        undo_requested(int): Undo clicked, with the shown action's id.

    Attributes:
        label: the message (first line; the rest is its tooltip).
        undo_button: Undo for the action the message reports (shown with it).
        progress_bar: shown while the engine is busy.
    """

    undo_requested = Signal(int)

    def __init__(self, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.action_id: int | None = None
        self.label = QLabel(tr("Starting…"), bar)
        self.undo_button = QPushButton(tr("Undo"), bar)
        self.undo_button.setFlat(True)
        self.undo_button.setToolTip(tr("Undo the last action"))
        self.undo_button.clicked.connect(self._on_undo)
        self.undo_button.hide()
        self.progress_bar = QProgressBar(bar)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        bar.addWidget(self.label, 1)
        bar.addWidget(self.undo_button)
        bar.addPermanentWidget(self.progress_bar)

    def show_message(self, text: str) -> None:
        """The first line of ``text``; the rest as the tooltip (any Undo offer goes)."""
        self._show(text)
        self.action_id = None
        self.undo_button.hide()

    def show_action(self, record: ActionRecord) -> None:
        """Say what an Accept did, with an Undo button for it."""
        self._show(f"{tr('Done')}: {record.summary}")
        self.action_id = record.id
        self.undo_button.show()

    def _show(self, text: str) -> None:
        first, _, rest = text.partition("\n")
        self.label.setText(first)
        self.label.setToolTip(rest.strip() or first)

    def _on_undo(self) -> None:
        if self.action_id is not None:
            action_id, self.action_id = self.action_id, None
            self.undo_button.hide()
            self.undo_requested.emit(action_id)

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
