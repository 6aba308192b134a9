"""The composition root: run_gui end to end, the font choice, Add source and Train."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from assistant.store import Store
from tests.ui.conftest import WAIT_MS
from tests.ui.relay import Relay
from ui.app import Gui
from ui.app import choose_cjk_family

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def test_choose_cjk_family_prefers_the_first_installed() -> None:
    installed = ["DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC"]
    assert choose_cjk_family(installed) == "Noto Sans CJK SC"
    assert choose_cjk_family(["DejaVu Sans"]) is None


RUN_GUI_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import run_gui
from ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
hook = sys.excepthook
seen = []

def close_window():
    seen.extend(w for w in QApplication.topLevelWidgets()
                if isinstance(w, MainWindow) and w.isVisible())
    for window in seen:
        window.close()

QTimer.singleShot(500, close_window)
code = run_gui(Path(sys.argv[1]))
assert app.applicationName() == "Sift", app.applicationName()
assert len(seen) == 1 and seen[0].windowTitle() == "Sift"
assert not seen[0].engine.running, "engine thread still running"
assert sys.excepthook is hook, "excepthook not restored"
print("exit", code)
"""


def test_run_gui_shows_the_window_and_shuts_down(tmp_path: Path) -> None:
    """GIVEN run_gui on an empty home WHEN its window is closed
    THEN it returns 0, the engine thread has stopped and the excepthook is restored.

    In a subprocess: ``app.exec()`` and quitting it must not touch the test's QApplication.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("SIFT_HOME", None)
    result = subprocess.run(
        [sys.executable, "-c", RUN_GUI_SCRIPT, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("exit 0")
    assert (tmp_path / "home" / "sift.db").exists()
    assert (tmp_path / "home" / "ui-state.ini").exists()  # window state, next to settings


def test_add_source_remembers_and_ingests(
    qtbot: QtBot, gui: Gui, inbox: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the user picks a folder in "Add source…" THEN it is stored as a source
    and its items appear."""
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *_args, **_kw: str(inbox))
    )
    gui.window.add_source_action.trigger()
    qtbot.waitUntil(lambda: gui.window.proxy.rowCount() == 2, timeout=WAIT_MS)
    assert gui.shutdown()
    store = Store(home / "sift.db")
    try:
        assert [Path(s["path"]) for s in store.sources()] == [inbox]
    finally:
        store.close()


def test_train_reports_in_the_status_bar(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN no feedback WHEN Train is clicked THEN the report's reason is shown."""
    relay = Relay(gui.engine.worker.trained)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        gui.window.train_action.trigger()
    report = blocker.args[0][0]
    assert not report.promoted
    assert report.reason in gui.window.status_label.text()


def test_bundled_cjk_font_renders_chinese(qapp: object) -> None:
    """GIVEN no CJK font installed WHEN Sift starts THEN its bundled font covers Chinese."""
    from PySide6.QtGui import QFont
    from PySide6.QtGui import QFontMetrics

    from ui.app import load_bundled_cjk_font

    family = load_bundled_cjk_font()
    assert family is not None
    metrics = QFontMetrics(QFont(family))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "会议纪要发票")
    assert family == "WenQuanYi Micro Hei"


def test_the_app_engine_leaves_a_core_to_the_window(tmp_path: Path) -> None:
    from models.llama_backend import default_threads
    from ui.app import GUI_SPARE_CORES
    from ui.app import sift_factory

    sift = sift_factory(tmp_path / "home")(lambda _progress: None)
    try:
        assert sift.model_choice.threads == max(1, default_threads() - GUI_SPARE_CORES)
    finally:
        sift.close()
