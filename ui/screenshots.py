"""Screenshots of Sift on the bundled sample: ``python -m ui.screenshots OUTDIR``.

Starts Xvfb (a real X server, so fonts, DPI and styles are the real ones, not
the offscreen plugin's) unless ``DISPLAY`` is already set, reads the sample
inbox and documents into a temporary data folder, writes summaries for the
items shown, and saves PNGs: the main window with an English and a Chinese
item, at 1024×640 too, the settings, the dashboard, the shortcuts sheet and
dark mode, and the window switched to the other language at runtime.
``--fake`` uses the fake models (seconds instead of minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QWidget

from assistant import settings as settings_module
from assistant.cli import demo_paths
from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.paths import resolve
from assistant.settings import Settings
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from ui.app import apply_cjk_font
from ui.app import build_gui
from ui.i18n import language
from ui.i18n import set_language
from ui.theme import ThemeFollower

SAMPLE_EN = "Lease renewal for Unit 4B"
SAMPLE_ZH = "会议邀请"


def start_xvfb() -> subprocess.Popen[bytes] | None:
    """Start Xvfb on a free display and point ``DISPLAY`` at it (None if one is set)."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("Xvfb is not installed: apt-get install -y xvfb libxcb-cursor0")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = pipe.readline().strip()
    os.environ["DISPLAY"] = f":{display}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return server


class Waiter(QObject):
    """Calls a function on the GUI thread when a cross-thread signal arrives."""

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self.call = call

    @Slot()
    def done(self) -> None:
        self.call()


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--fake", action="store_true", help="fake models (fast, plain text)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds for the whole run")
    parser.add_argument("--language", default="en", choices=["en", "zh"], help="UI language")
    parser.add_argument("--train", action="store_true", help="train before the dashboard shot")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    server = start_xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="sift-shots-") as home:
            # The language is a setting: the window applies it when the engine opens.
            settings_module.save(Settings(ui_language=args.language), resolve(Path(home)).settings)
            return _shoot(
                args.outdir,
                Path(home),
                fake=args.fake,
                train=args.train,
                timeout_s=args.timeout,
                lang=args.language,
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def _shoot(outdir: Path, home: Path, *, fake: bool, train: bool, timeout_s: int, lang: str) -> int:
    # DISPLAY is set by now: the platform plugin loads with the QApplication.
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Sift")
    set_language(lang)  # with the QApplication: Qt's own strings follow too
    theme = ThemeFollower(app)
    apply_cjk_font(app)

    def factory(progress: ProgressCallback) -> Sift:
        if not fake:
            return Sift(home, progress=progress)
        return Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator(), progress=progress)

    # Ingest without summaries (fast); the items shown get theirs, streamed.
    gui = build_gui(factory, summarize=True, tray_available=False)
    window = gui.window
    window.resize(1280, 800)
    saved: list[Path] = []

    def grab(widget: QWidget, name: str) -> None:
        suffix = "" if lang == "en" else f"-ui-{lang}"
        path = outdir / f"{name}{suffix}.png"
        widget.grab().save(str(path))
        saved.append(path)
        sys.stdout.write(f"wrote {path}\n")

    def after(ms: int, step: Callable[[], None]) -> None:
        QTimer.singleShot(ms, step)

    def find(title_part: str) -> int | None:
        for item in window.model.items():
            if title_part in item.title:
                return item.id
        return None

    state: dict[str, object] = {}

    def on_queue_done() -> None:
        if "en" in state:
            return
        en, zh = find(SAMPLE_EN), find(SAMPLE_ZH)
        if en is None or zh is None:
            sys.stderr.write("sample items not found\n")
            app.exit(1)
            return
        state["en"], state["zh"] = en, zh
        # Summaries are written when an item is shown (streamed); show both once.
        select(en, lambda: select(zh, lambda: select(en, shoot_en)))

    def select(item_id: int, then: Callable[[], None]) -> None:
        window.select_item(item_id)

        def wait() -> None:
            summary = window.detail.summary
            if summary.streaming or window.current_item() is None:
                after(200, wait)
            else:
                after(400, then)

        after(300, wait)

    def shoot_en() -> None:
        grab(window, "main-en")
        select(state["zh"], shoot_zh)

    def shoot_zh() -> None:
        grab(window, "main-zh")
        window.resize(1024, 640)
        after(500, shoot_small)

    def shoot_small() -> None:
        grab(window, "main-1024x640")
        window.resize(1280, 800)
        gui.open_settings()
        after(800, shoot_settings)

    def shoot_settings() -> None:
        dialog = gui.settings_dialog
        assert dialog is not None
        grab(dialog, "settings-sources")
        dialog.tabs.setCurrentIndex(1)
        after(300, lambda: (grab(dialog, "settings-models"), shoot_tab(3, "settings-training")))

    def shoot_tab(index: int, name: str) -> None:
        dialog = gui.settings_dialog
        assert dialog is not None
        dialog.tabs.setCurrentIndex(index)
        if index == 3:
            after(300, lambda: (grab(dialog, name), shoot_tab(5, "settings-language")))
        else:
            after(300, lambda: (grab(dialog, name), dialog.reject(), shoot_dash()))

    def shoot_dash() -> None:
        # Some feedback so the dashboard has something to draw (a training round
        # too with --train: minutes with the real models on a busy machine).
        if train:
            gui.engine.call(_give_feedback, lambda _r: gui.engine.train())
            waiter2 = Waiter(lambda: after(500, show_dash))
            gui.engine.worker.trained.connect(waiter2.done)
            state["waiter"] = waiter2
        else:
            gui.engine.call(_give_feedback, lambda _r: after(500, show_dash))

    def show_dash() -> None:
        gui.open_dashboard()
        after(1500, lambda: (grab(gui.dashboard, "dashboard"), gui.dashboard.close(), digest()))

    def digest() -> None:
        gui.engine.call(_digest_day, show_digest)

    def show_digest(day: str | None) -> None:
        window.open_digest()
        dialog = window.digest_dialog
        assert dialog is not None
        dialog.refresh(day)
        after(1000, lambda: (grab(dialog, "digest"), dialog.close(), keys()))

    def keys() -> None:
        window.keys.show_shortcuts()
        after(500, lambda: (grab(window.keys.shortcuts_dialog, "shortcuts"), dark()))

    def dark() -> None:
        window.keys.shortcuts_dialog.reject()
        ThemeFollower.force(app, Qt.ColorScheme.Dark)
        theme.apply(Qt.ColorScheme.Dark)  # Xvfb has no desktop to report the change
        after(800, lambda: (grab(window, "main-dark"), switch()))

    def switch() -> None:
        # The other language at runtime, as Settings > Save does: no restart.
        set_language("en" if lang == "zh" else "zh")
        after(500, lambda: (grab(window, f"main-switched-to-{language()}"), finish()))

    def finish() -> None:
        gui.quit()

    # A QObject's bound slot: queued onto this thread (a lambda would run on the engine's).
    waiter = Waiter(lambda: after(300, on_queue_done))
    gui.engine.worker.queue_finished.connect(waiter.done)
    window.setMinimumSize(QSize(1024, 640))
    gui.start()
    # A copy of the sample, as sources (so the settings list them): accepted
    # suggestions carry out actions, which must not touch the repository's files.
    sample = home / "sample"
    sample.mkdir()
    for path in demo_paths():
        copy = sample / path.name
        if path.is_dir():
            shutil.copytree(path, copy)
        else:
            shutil.copy2(path, copy)
        gui.engine.add_source(copy, summarize=False)
    QTimer.singleShot(timeout_s * 1000, lambda: app.exit(2))
    code = app.exec()
    gui.shutdown()
    sys.stdout.write(f"{len(saved)} screenshots in {outdir}\n")
    return code if saved else 1


def _digest_day(sift: Sift) -> str | None:
    """The sample's day with the fullest digest (today's is usually empty)."""
    days = {(item.date or item.created_at)[:10] for item in sift.items()}
    sizes = {day: len(sift.digest(day).entries) for day in days}
    best = max(sorted(sizes), key=lambda day: sizes[day], default=None)
    return best if best is not None and sizes[best] else None


def _give_feedback(sift: object) -> None:
    """Accept the confident suggestions, reject the doubtful ones (engine thread)."""
    suggestions = sift.suggestions()  # type: ignore[attr-defined]
    for suggestion in suggestions[:16]:
        if suggestion.kind in {"file_into", "calendar_event", "reply_draft"}:
            continue  # actions that write files or drafts: not in a screenshot run
        if suggestion.confidence >= 0.5:
            sift.accept(suggestion.id)  # type: ignore[attr-defined]
        else:
            sift.reject(suggestion.id)  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
