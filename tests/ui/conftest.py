"""Fixtures for GUI tests: the real window and engine thread, with fake models."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.settings import Settings
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.mail import make_mail
from tests.ui.relay import Relay
from ui.app import Gui
from ui.app import build_gui
from ui.i18n import set_language
from ui.worker import SiftFactory

WAIT_MS = 10_000
HERE = Path(__file__).parent

# The offscreen platform plugin warns whenever a shown dialog's size limits
# change; it says nothing about our code, so it must not fail tests run with
# ``qt_log_level_fail = WARNING``.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder ignores the offscreen plugin's size-hint warning."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(OFFSCREEN_NOISE)


@pytest.fixture(autouse=True)
def unfrozen_heap_after_each_test() -> Iterator[None]:
    """An engine that opens freezes the heap (``ui.worker.settle_heap``); between tests
    the frozen objects go back to the collector, so one test's objects do not outlive it."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def english_after_each_test() -> Iterator[None]:
    """The UI language is process-wide: a test that switches it must not leak it."""
    yield
    set_language("en")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """Sift's data folder for one test."""
    return tmp_path / "home"


def sift_with(
    home: Path, *, embedder: FakeEmbedder | None = None, generator: FakeGenerator | None = None
) -> SiftFactory:
    """Builds a real ``Sift`` on the worker thread, with these models (fakes by default)."""

    def create(progress: ProgressCallback) -> Sift:
        return Sift(
            home,
            embedder=embedder or FakeEmbedder(),
            generator=generator or FakeGenerator(),
            settings=Settings(),
            progress=progress,
        )

    return create


@pytest.fixture
def fake_factory(home: Path) -> SiftFactory:
    """Builds a real ``Sift`` with fake models, on the worker thread."""
    return sift_with(home)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A folder with one question mail and one text document."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "question.eml").write_bytes(
        make_mail(
            "Can you review the budget before Friday?",
            "Hi Alex,\n\nCould you review the attached budget and let me know by Friday 3pm?"
            "\n\nThanks,\nDana",
            message_id="q1@example.com",
        )
    )
    (folder / "minutes.txt").write_text(
        "Meeting minutes, 19 November 2026\n\nAttendees: Alex, Dana, Sam.\n"
        "Decisions: ship the beta on Monday. Action: Sam drafts the release notes.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def gui(qtbot: QtBot, fake_factory: SiftFactory) -> Iterator[Gui]:
    """The window and engine thread, started; shut down after the test."""
    app = build_gui(fake_factory, summarize=True)
    qtbot.addWidget(app.window)
    opened = Relay(app.engine.worker.opened)
    with qtbot.waitSignal(opened.received, timeout=WAIT_MS):
        app.start()
    yield app
    app.shutdown()
