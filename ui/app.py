"""Composition root: the QApplication, the engine thread, the window, shutdown.

Everything is created and wired here and passed in (qutebrowser
``app.py: _init_modules``); no module looks anything up globally. Tests build
the same object graph with ``build_gui`` and a factory that uses fake models.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from assistant.engine import ProgressCallback
from assistant.engine import Sift
from ui.client import EngineClient
from ui.crash_dialog import CrashReporter
from ui.main_window import MainWindow
from ui.worker import SiftFactory

log = logging.getLogger(__name__)

APP_NAME = "Sift"

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
    """A factory for the real engine, with the configured models."""

    def create(progress: ProgressCallback) -> Sift:
        return Sift(data_dir, progress=progress)

    return create


@dataclass(slots=True)
class Gui:
    """The object graph of a running GUI.

    Attributes:
        engine: the handle on the engine thread.
        window: the main window.
    """

    engine: EngineClient
    window: MainWindow

    def start(self, ingest_paths: list[Path] | None = None, *, summarize: bool = True) -> None:
        """Start the engine thread, show the window, begin ingesting in the background."""
        self.engine.start()
        self.window.show()
        if ingest_paths:
            self.engine.ingest(ingest_paths, summarize=summarize)

    def shutdown(self) -> bool:
        """Cancel engine work, close the engine and wait for its thread (idempotent)."""
        return self.engine.stop()


def build_gui(factory: SiftFactory, *, summarize: bool = True) -> Gui:
    """Create the engine thread and the main window, wired together (nothing started)."""
    engine = EngineClient(factory)
    window = MainWindow(engine, summarize=summarize)
    window.closed.connect(engine.shutdown)
    return Gui(engine=engine, window=window)


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
    family = apply_cjk_font(app)
    log.debug("default font: %s", family or app.font().family())
    reporter = CrashReporter(app)
    reporter.install()
    gui = build_gui(sift_factory(data_dir), summarize=summarize)
    app.aboutToQuit.connect(gui.engine.shutdown)
    try:
        gui.start(ingest_paths, summarize=summarize)
        return app.exec()
    finally:
        gui.shutdown()
        reporter.uninstall()
