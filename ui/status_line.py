"""The status bar: one line of text, an Undo for the last action, and a progress bar.

A message may be given as a function that builds it: it is built again when
the UI language changes, so the line never stays in the old language.
"""

from __future__ import annotations

from collections.abc import Callable

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
from ui.i18n import colon
from ui.i18n import engine_text
from ui.i18n import language_changed
from ui.i18n import tr

Message = str | Callable[[], str]

# Progress stages as the status line names them (``tr`` gives the Chinese).
STAGES = {
    "model": "Model",
    "read": "Read",
    "classify": "Classify",
    "summarize": "Summarize",
    "train": "Train",
    "training": "Train",
}


def stage_name(stage: str) -> str:
    """A progress stage's name in the UI language."""
    return tr(STAGES.get(stage, stage.capitalize()))


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
        self._message: Message = lambda: tr("Starting…")
        self._progress: Progress | None = None
        self.label = QLabel(bar)
        self.undo_button = QPushButton(bar)
        self.undo_button.setFlat(True)
        self.undo_button.clicked.connect(self._on_undo)
        self.undo_button.hide()
        self.progress_bar = QProgressBar(bar)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        bar.addWidget(self.label, 1)
        bar.addWidget(self.undo_button)
        bar.addPermanentWidget(self.progress_bar)
        language_changed().changed.connect(self.retranslate)
        self.retranslate()

    @Slot()
    def retranslate(self) -> None:
        """Re-apply the texts in the UI language (the message is built again)."""
        self.undo_button.setText(tr("Undo"))
        self.undo_button.setToolTip(tr("Undo the last action"))
        if self._progress is not None:
            self.progress_bar.setFormat(f"{stage_name(self._progress.stage)} %v/%m")
        self._show(self._message)

    def show_message(self, text: Message) -> None:
        """The first line of ``text``; the rest as the tooltip (any Undo offer goes).

        ``text`` may be a function that builds the message in the UI language.
        """
        self._show(text)
        self.action_id = None
        self.undo_button.hide()

    def show_action(self, record: ActionRecord) -> None:
        """Say what an Accept did, with an Undo button for it."""
        self._show(lambda: f"{tr('Done')}{colon()}{engine_text(record.summary)}")
        self.action_id = record.id
        self.undo_button.show()

    def _show(self, message: Message) -> None:
        self._message = message
        text = message() if callable(message) else message
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
        self._progress = progress
        self.progress_bar.setFormat(f"{stage_name(progress.stage)} %v/%m")
        self.show_message(lambda: progress_text(progress))

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
        self.show_message(lambda: training_text(report))

    @Slot(str)
    def on_failed(self, message: str) -> None:
        """An engine error (a traceback, for bugs, goes to the tooltip)."""
        self.show_message(lambda: f"⚠ {engine_text(message)}")


def progress_text(progress: Progress) -> str:
    """``Read 3/10: reading files and mail``, in the UI language."""
    detail = f"{colon()}{tr(progress.message)}" if progress.message else ""
    return f"{stage_name(progress.stage)} {progress.done}/{progress.total}{detail}"


def training_text(report: TrainReport) -> str:
    """What a training round did, in the UI language."""
    verdict = tr("promoted") if report.promoted else tr("kept the current model")
    return tr("Training ({n} examples): {verdict}.").format(
        n=report.trained_on, verdict=verdict
    ) + (f" {engine_text(report.reason)}" if report.reason else "")
