"""Folder watching: stability debouncing and real watchdog events."""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.sources import SourceKind
from assistant.watcher import StabilityTracker
from assistant.watcher import Watcher


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_file_is_released_only_when_stable(tmp_path: Path) -> None:
    clock = Clock()
    tracker = StabilityTracker(1.0, clock=clock)
    path = tmp_path / "a.txt"
    path.write_text("part")
    tracker.touch(path)
    assert tracker.stable() == []
    clock.now = 2.0
    path.write_text("part and more")  # still being written: size changed
    assert tracker.stable() == []
    clock.now = 4.0
    assert tracker.stable() == [path]
    assert tracker.pending() == 0


def test_temp_files_are_ignored(tmp_path: Path) -> None:
    tracker = StabilityTracker(0.0)
    for name in ("~$report.docx", "x.part", ".x.swp", ".DS_Store", "Thumbs.db", ".~lock.a#"):
        tracker.touch(tmp_path / name)
    assert tracker.pending() == 0


def test_vanished_file_is_dropped(tmp_path: Path) -> None:
    clock = Clock()
    tracker = StabilityTracker(1.0, clock=clock)
    path = tmp_path / "gone.txt"
    path.write_text("x")
    tracker.touch(path)
    path.unlink()
    clock.now = 5
    assert tracker.stable() == []
    assert tracker.pending() == 0


def test_watcher_reports_a_new_file(tmp_path: Path) -> None:
    seen: list[Path] = []
    arrived = threading.Event()

    def on_stable(paths: list[Path]) -> None:
        seen.extend(paths)
        arrived.set()

    watcher = Watcher([(SourceKind.FOLDER, str(tmp_path))], on_stable, delay=0.2)
    watcher.start()
    try:
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "new.txt").write_text("hello")
        assert arrived.wait(10)
    finally:
        watcher.stop()
    assert tmp_path / "sub" / "new.txt" in seen
