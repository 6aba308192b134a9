"""Folder watching: stability debouncing and real watchdog events."""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from watchdog.observers.api import BaseObserver
from watchdog.observers.api import ObservedWatch

from assistant import watcher as watcher_module
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


def _collector() -> tuple[list[Path], threading.Event, Callable[[list[Path]], None]]:
    seen: list[Path] = []
    arrived = threading.Event()

    def on_stable(paths: list[Path]) -> None:
        seen.extend(paths)
        arrived.set()

    return seen, arrived, on_stable


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.ENOSPC, "inotify watch limit reached"),
        (errno.EMFILE, "inotify instance limit reached"),
    ],
)
def test_watch_limit_falls_back_to_polling(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    code: int,
    message: str,
) -> None:
    """GIVEN a folder source that the native observer cannot schedule (inotify limits)
    WHEN the watcher starts and a file is created
    THEN the source is polled, listed in ``polled`` with a warning, and the file reported."""

    def exhausted(self: BaseObserver, *args: object, **kwargs: object) -> ObservedWatch:
        raise OSError(code, message)

    monkeypatch.setattr(watcher_module.Observer, "schedule", exhausted)
    seen, arrived, on_stable = _collector()
    watcher = Watcher([(SourceKind.FOLDER, str(tmp_path))], on_stable, delay=0.2, poll_interval=0.1)
    with caplog.at_level(logging.WARNING, logger="assistant.watcher"):
        watcher.start()
    try:
        assert watcher.polled == [str(tmp_path)]
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "new.txt").write_text("hello")
        assert arrived.wait(10)
    finally:
        watcher.stop()
    assert tmp_path / "sub" / "new.txt" in seen
    assert f"cannot watch {tmp_path} with inotify ({message}): polling it" in caplog.text


def test_no_inotify_instance_polls_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a system with no inotify instance left (the observer cannot even be made)
    WHEN the watcher starts on a folder and an mbox file
    THEN both are polled and a change to the mbox is reported."""

    def no_instance() -> BaseObserver:
        raise OSError(errno.EMFILE, "inotify instance limit reached")

    monkeypatch.setattr(watcher_module, "Observer", no_instance)
    folder = tmp_path / "docs"
    folder.mkdir()
    mbox = tmp_path / "mail" / "inbox.mbox"
    mbox.parent.mkdir()
    mbox.write_text("")
    seen, arrived, on_stable = _collector()
    sources = [(SourceKind.FOLDER, str(folder)), (SourceKind.MBOX, str(mbox))]
    watcher = Watcher(sources, on_stable, delay=0.2, poll_interval=0.1)
    watcher.start()
    try:
        assert watcher.polled == [str(folder), str(mbox)]
        mbox.write_text("From a@b Thu Jan  1 00:00:00 2024\nSubject: hi\n\nhello\n")
        assert arrived.wait(10)
    finally:
        watcher.stop()
    assert seen == [mbox]


def test_other_os_errors_are_not_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a source the native observer refuses for a reason polling would not fix
    WHEN the watcher starts
    THEN the OSError propagates and nothing is left running."""

    def denied(self: BaseObserver, *args: object, **kwargs: object) -> ObservedWatch:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(watcher_module.Observer, "schedule", denied)
    watcher = Watcher([(SourceKind.FOLDER, str(tmp_path))], lambda paths: None)
    with pytest.raises(PermissionError):
        watcher.start()
    assert watcher.polled == []
    assert not any(t.name == "sift-watcher" for t in threading.enumerate())
