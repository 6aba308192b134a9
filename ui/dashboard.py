"""The dashboard: what Sift learned, which models serve, and what it is doing now.

``collect_dashboard`` runs on the engine thread and returns a frozen
``DashboardData``; the window only draws it. ``Sift.metrics`` gives the
daily figures, ``Sift.model_versions`` the training history and
``Sift.actions`` the action log (with undo).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant.engine import Sift
from assistant.types import ActionRecord
from assistant.types import Decision
from assistant.types import ModelVersion
from assistant.types import Progress
from assistant.types import Verdict
from ui.chart import LineChart
from ui.client import EngineClient
from ui.i18n import colon
from ui.i18n import engine_text
from ui.i18n import is_language_change
from ui.i18n import tr

# Progress stages -> the bar that shows them.
STAGE_BARS = {"read": "scan", "classify": "queue", "summarize": "queue", "model": "model"}
STAGE_BARS |= {"train": "training", "training": "training"}
ACTIONS_SHOWN = 30
MIN_DAYS = 3  # fewer days of metrics than this are plotted per slice of decisions
ACCEPT_REJECT = frozenset({Verdict.ACCEPT, Verdict.REJECT})


@dataclass(frozen=True, slots=True)
class ModelVersionRow:
    """One trained model version."""

    task: str
    version: str
    created_at: str
    active: bool
    accuracy: float | None
    decision: Decision = Decision.PROMOTED


@dataclass(frozen=True, slots=True)
class DashboardData:
    """Everything the dashboard draws.

    Attributes:
        acceptance: ``(day, accepted / decided)`` per day with feedback.
        accuracy: ``(version, held-out accuracy)`` per trained version.
        versions: model versions, newest first.
        queue: items waiting for classification or a summary.
        items: live items.
    """

    acceptance: tuple[tuple[str, float], ...] = ()
    accuracy: tuple[tuple[str, float], ...] = ()
    versions: tuple[ModelVersionRow, ...] = ()
    actions: tuple[ActionRecord, ...] = ()  # newest first
    queue: int = 0
    items: int = 0


def acceptance_series(
    verdicts: list[tuple[str, str]], *, points: int = 20
) -> list[tuple[str, float]]:
    """Accepted share of accept/reject verdicts over time, in up to ``points`` slices.

    Args:
        verdicts: ``(created_at, verdict)`` in the order they were given.
        points: how many equal slices of decisions to plot.

    Returns:
        ``(date of the slice's last decision, accepted / decided)`` per slice.
    """
    decided = [(when, v == Verdict.ACCEPT) for when, v in verdicts if v in ACCEPT_REJECT]
    if not decided:
        return []
    size = max(1, -(-len(decided) // points))  # ceiling division
    series = []
    for start in range(0, len(decided), size):
        chunk = decided[start : start + size]
        series.append((chunk[-1][0][:10], sum(ok for _, ok in chunk) / len(chunk)))
    return series


def _version_row(version: ModelVersion) -> ModelVersionRow:
    """A ``ModelVersion`` as a table row."""
    return ModelVersionRow(
        task=version.task,
        version=version.version,
        created_at=version.created_at[:16].replace("T", " "),
        active=version.active,
        accuracy=version.new_accuracy,
        decision=version.decision,
    )


def _series(buckets: tuple[str, ...], rates: tuple[float | None, ...]) -> list[tuple[str, float]]:
    return [(b, r) for b, r in zip(buckets, rates, strict=False) if r is not None]


def collect_dashboard(sift: Sift) -> DashboardData:
    """Read the dashboard's figures (on the engine thread).

    With a few days of metrics: acceptance and category accuracy per day
    from every decision. Before that: acceptance per slice of the feedback
    rows, and accuracy per trained model version.
    """
    versions = [_version_row(version) for version in sift.model_versions()]
    metrics = sift.metrics()
    if len(metrics.buckets) >= MIN_DAYS:
        acceptance = _series(metrics.buckets, metrics.acceptance.rates)
        accuracy = _series(metrics.buckets, metrics.accuracy.rates)
    else:
        # Too few days for a line: slices of the decisions in order instead.
        feedback = sift.store.feedback()
        acceptance = acceptance_series([(f.created_at, str(f.verdict)) for f in feedback])
        accuracy = [(v.version, v.accuracy) for v in versions if v.accuracy is not None]
    counts = sift.store.counts()
    return DashboardData(
        acceptance=tuple(acceptance),
        accuracy=tuple(accuracy),  # type: ignore[arg-type]
        versions=tuple(reversed(versions)),
        actions=tuple(sift.actions(limit=ACTIONS_SHOWN)),
        queue=int(counts["pending"]),
        items=int(counts["items"]),
    )


class DashboardWindow(QWidget):
    """Charts, training history with rollback, and progress bars.

    Args:
        engine: the handle on the engine thread.
        parent: the main window (the dashboard is a separate window).
    """

    def __init__(self, engine: EngineClient, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.engine = engine
        self.data = DashboardData()
        self.acceptance_chart = LineChart("Acceptance rate", self)
        self.accuracy_chart = LineChart("Accuracy", self)
        charts = QHBoxLayout()
        charts.addWidget(self.acceptance_chart)
        charts.addWidget(self.accuracy_chart)
        self.versions = QTableWidget(0, 5, self)
        self.versions.verticalHeader().hide()
        self.versions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.versions.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rollback_button = QPushButton(self)
        self.rollback_button.clicked.connect(self.rollback_selected)
        self.rollback_button.setEnabled(False)
        self.versions.itemSelectionChanged.connect(self._update_rollback)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh)
        history_buttons = QHBoxLayout()
        history_buttons.addWidget(self.refresh_button)
        history_buttons.addStretch(1)
        history_buttons.addWidget(self.rollback_button)
        self.bars: dict[str, QProgressBar] = {}
        self.bar_labels: dict[str, tuple[QLabel, str]] = {}
        progress = QFormLayout()
        for key, title in (
            ("scan", "Scan"),
            ("queue", "Queue"),
            ("model", "Model load"),
            ("training", "Training"),
        ):
            bar = QProgressBar(self)
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setFormat("%v/%m")
            self.bars[key] = bar
            label = QLabel(self)
            self.bar_labels[key] = (label, title)
            progress.addRow(label, bar)
        self.actions_table = QTableWidget(0, 3, self)
        self.actions_table.verticalHeader().hide()
        self.actions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.actions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        actions_header = self.actions_table.horizontalHeader()
        actions_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        actions_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.undo_button = QPushButton(self)
        self.undo_button.clicked.connect(self.undo_selected)
        self.actions_table.itemSelectionChanged.connect(self._update_undo)
        self.undo_button.setEnabled(False)
        self.queue_label = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(charts, 2)
        self.history_title = QLabel(self)
        layout.addWidget(self.history_title)
        layout.addWidget(self.versions, 1)
        layout.addLayout(history_buttons)
        self.actions_title = QLabel(self)
        layout.addWidget(self.actions_title)
        layout.addWidget(self.actions_table, 1)
        layout.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(progress)
        layout.addWidget(self.queue_label)
        self.resize(800, 700)
        engine.worker.progress_changed.connect(self.on_progress)
        engine.worker.trained.connect(self._on_trained)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply every text in the UI language (the tables are drawn again)."""
        self.setWindowTitle(f"Sift — {tr('Dashboard')}")
        self.versions.setHorizontalHeaderLabels(
            [tr(h) for h in ("Task", "Version", "Accuracy", "Created", "Active")]
        )
        self.actions_table.setHorizontalHeaderLabels(
            [tr(h) for h in ("Created", "Action", "State")]
        )
        self.rollback_button.setText(tr("Roll back to this version"))
        self.refresh_button.setText(tr("Refresh now"))
        self.undo_button.setText(tr("Undo"))
        self.history_title.setText(f"<b>{tr('Training history')}</b>")
        self.actions_title.setText(f"<b>{tr('Actions')}</b>")
        for label, title in self.bar_labels.values():
            label.setText(tr(title))
        self.show_data(self.data)

    @Slot()
    def refresh(self) -> None:
        """Ask the engine for fresh figures."""
        self.engine.call(collect_dashboard, self.show_data)

    def show_data(self, data: DashboardData) -> None:
        """Draw ``data``."""
        self.data = data
        self.acceptance_chart.set_series(data.acceptance)
        self.accuracy_chart.set_series(data.accuracy)
        self.versions.setRowCount(len(data.versions))
        for n, row in enumerate(data.versions):
            accuracy = "—" if row.accuracy is None else f"{row.accuracy:.1%}"
            rejected = row.decision == Decision.REJECTED
            state = "✓" if row.active else (tr("rejected") if rejected else "")
            task = tr(row.task)
            for column, text in enumerate((task, row.version, accuracy, row.created_at, state)):
                self.versions.setItem(n, column, QTableWidgetItem(text))
        self.queue_label.setText(f"{tr('Queue')}{colon()}{data.queue} / {data.items} {tr('items')}")
        queue = self.bars["queue"]
        queue.setRange(0, max(data.items, 1))
        queue.setValue(data.items - data.queue)
        scan = self.bars["scan"]
        if scan.value() <= 0 and data.items:  # nothing scanned while the window was closed
            scan.setRange(0, data.items)
            scan.setValue(data.items)
        self._update_rollback()
        self.actions_table.setRowCount(len(data.actions))
        for n, record in enumerate(data.actions):
            state = tr("undone") if record.undone else ""
            when = record.created_at[:16].replace("T", " ")
            for column, text in enumerate((when, engine_text(record.summary), state)):
                self.actions_table.setItem(n, column, QTableWidgetItem(text))
        self._update_undo()

    def selected_action(self) -> ActionRecord | None:
        rows = self.actions_table.selectionModel().selectedRows()
        return self.data.actions[rows[0].row()] if rows else None

    @Slot()
    def _update_undo(self) -> None:
        record = self.selected_action()
        self.undo_button.setEnabled(record is not None and not record.undone)

    @Slot()
    def undo_selected(self) -> None:
        """Undo the selected action (``Sift.undo(action_id)``)."""
        record = self.selected_action()
        if record is None:
            return
        action_id = record.id
        self.engine.call(lambda sift: sift.undo(action_id), self._after_rollback)

    def selected_version(self) -> ModelVersionRow | None:
        rows = self.versions.selectionModel().selectedRows()
        return self.data.versions[rows[0].row()] if rows else None

    @Slot()
    def _update_rollback(self) -> None:
        row = self.selected_version()
        self.rollback_button.setEnabled(
            row is not None
            and not row.active
            and row.decision != Decision.REJECTED  # never served: nothing to go back to
        )

    @Slot()
    def rollback_selected(self) -> None:
        """Serve the selected version again (``Sift.rollback``)."""
        row = self.selected_version()
        if row is None:
            return
        task, version = row.task, row.version
        self.engine.call(lambda sift: sift.rollback(task, version), self._after_rollback)

    def _after_rollback(self, _result: object) -> None:
        self.refresh()
        self.engine.load_items()

    @Slot(object)
    def on_progress(self, progress: Progress) -> None:
        """Move the bar of a progress stage."""
        bar = self.bars.get(STAGE_BARS.get(progress.stage, ""))
        if bar is None:
            return
        total = progress.total if progress.total > 0 else max(progress.done, 1)
        bar.setRange(0, total)
        bar.setValue(min(progress.done, total))

    @Slot(object)
    def _on_trained(self, _report: object) -> None:
        bar = self.bars["training"]
        bar.setRange(0, 1)
        bar.setValue(1)
        self.refresh()
