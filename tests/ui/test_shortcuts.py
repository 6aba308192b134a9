"""Every keyboard shortcut, pressed as a user would, on the real window and engine thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.types import ItemKind
from assistant.types import Verdict
from tests.ui.conftest import WAIT_MS
from tests.ui.relay import Relay
from tests.ui.test_main_window import click_item
from tests.ui.test_main_window import feedback_rows
from tests.ui.test_main_window import ingest
from tests.ui.test_main_window import wait_for_cards
from ui.app import Gui
from ui.shortcuts import SHORTCUTS
from ui.shortcuts import ShortcutsDialog

pytestmark = pytest.mark.gui


def press(qtbot: QtBot, gui: Gui, key: str) -> None:
    """Type one key into the focused item list (the window must be active for shortcuts)."""
    window = gui.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    window.table.setFocus()
    qtbot.keyClicks(window.table, key)


def previewed(gui: Gui, suggestion_id: int) -> bool:
    """Whether the shown card of a reply suggestion has its draft (cards may be rebuilt)."""
    card = gui.window.detail.card_of(suggestion_id)
    return card is not None and card.draft is not None


def test_every_shortcut_is_installed_and_listed(gui: Gui) -> None:
    """GIVEN the window THEN each shortcut exists and the sheet lists it."""
    assert set(gui.window.shortcuts) == {s.action for s in SHORTCUTS}
    sheet = ShortcutsDialog()
    assert sheet.keys()[: len(SHORTCUTS)] == ["j", "k", "a", "r", "e", "u", "d", "/", "?"]
    sheet.deleteLater()


def test_j_and_k_move_the_selection(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    ingest(qtbot, gui, [inbox], rows=2)
    window = gui.window
    press(qtbot, gui, "j")
    first = window.current_item()
    assert first is not None and first.id == window.visible_items()[0].id
    press(qtbot, gui, "j")
    assert window.current_item().id == window.visible_items()[1].id
    press(qtbot, gui, "j")  # stays on the last row
    assert window.current_item().id == window.visible_items()[1].id
    press(qtbot, gui, "k")
    assert window.current_item().id == first.id
    # The item shown is marked read: its row loses the unread badge.
    assert first.id in window.model.read_ids


@pytest.mark.parametrize(("key", "verdict"), [("a", Verdict.ACCEPT), ("r", Verdict.REJECT)])
def test_a_and_r_decide_the_first_open_suggestion(
    qtbot: QtBot, gui: Gui, inbox: Path, home: Path, key: str, verdict: Verdict
) -> None:
    """GIVEN an item with suggestions WHEN a (r) is pressed
    THEN the first card's suggestion is accepted (rejected)."""
    found = ingest(qtbot, gui, [inbox], rows=2)
    mail = next(item for item in found if item.kind == ItemKind.MAIL)
    click_item(qtbot, gui, mail.id)
    first = wait_for_cards(qtbot, gui)[0].suggestion
    if key == "a":  # a reply draft: the first a previews it
        press(qtbot, gui, key)
        qtbot.waitUntil(lambda: previewed(gui, first.id), timeout=WAIT_MS)
    relay = Relay(gui.engine.worker.feedback_recorded)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        press(qtbot, gui, key)
    assert blocker.args[0][0].id == first.id
    assert gui.shutdown()
    rows = [r for r in feedback_rows(home) if r.verdict == verdict]
    assert [r.suggestion_id for r in rows] == [first.id]


def test_e_without_an_archive_suggestion_says_so(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    """GIVEN an item with no archive suggestion WHEN e is pressed THEN nothing is decided
    and the status bar says why."""
    found = ingest(qtbot, gui, [inbox], rows=2)
    doc = next(item for item in found if item.kind == ItemKind.DOCUMENT)
    click_item(qtbot, gui, doc.id)
    cards = wait_for_cards(qtbot, gui)
    assert all(card.suggestion.kind != "archive" for card in cards)
    press(qtbot, gui, "e")
    assert "no archive suggestion" in gui.window.status_label.text()
    assert all(card.accept_button.isEnabled() for card in cards)


SAMPLE_MBOX = Path(__file__).resolve().parents[2] / "resources" / "sample" / "inbox.mbox"


def test_e_accepts_the_archive_suggestion(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN an item whose cards include Archive WHEN e is pressed THEN that one is accepted."""
    done = Relay(gui.engine.worker.queue_finished)
    with qtbot.waitSignal(done.received, timeout=WAIT_MS):
        gui.engine.ingest([SAMPLE_MBOX], summarize=False)
    found = gui.window.model.items()
    suggestions = engine_result(qtbot, gui, lambda sift: sift.suggestions())
    archived = {s.item_id for s in suggestions if s.kind == "archive"}
    item = next((i for i in found if i.id in archived), None)
    assert item is not None, "the sample inbox gives archive suggestions (promotions, fyi)"
    click_item(qtbot, gui, item.id)
    cards = wait_for_cards(qtbot, gui)
    archive = next(c for c in cards if c.suggestion.kind == "archive")
    relay = Relay(gui.engine.worker.feedback_recorded)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        press(qtbot, gui, "e")
    assert blocker.args[0][0].id == archive.suggestion.id
    actions = engine_result(qtbot, gui, lambda sift: sift.actions())
    assert any(a.kind == "archive" and a.item_id == item.id for a in actions)


def engine_result(qtbot: QtBot, gui: Gui, job: object) -> object:
    """Run ``job(sift)`` on the engine thread and wait for its result."""
    results: list = []
    gui.engine.call(job, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    return results[0]


def test_u_undoes_the_last_action(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    """GIVEN an accepted suggestion WHEN u is pressed THEN the engine undoes it."""
    found = ingest(qtbot, gui, [inbox], rows=2)
    mail = next(item for item in found if item.kind == ItemKind.MAIL)
    click_item(qtbot, gui, mail.id)
    first = wait_for_cards(qtbot, gui)[0].suggestion
    press(qtbot, gui, "a")  # previews the reply draft
    qtbot.waitUntil(lambda: previewed(gui, first.id), timeout=WAIT_MS)
    relay = Relay(gui.engine.worker.feedback_recorded)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS):
        press(qtbot, gui, "a")
    calls = Relay(gui.engine.worker.call_finished)
    press(qtbot, gui, "u")
    qtbot.waitUntil(lambda: bool(calls.calls), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any(c.suggestion.id == first.id for c in gui.window.detail.cards),
        timeout=WAIT_MS,
    )
    (last, *_) = engine_result(qtbot, gui, lambda sift: sift.actions())
    assert last.suggestion_id == first.id
    assert last.undone_at is not None


def test_slash_focuses_search_and_question_mark_shows_the_sheet(qtbot: QtBot, gui: Gui) -> None:
    press(qtbot, gui, "/")
    assert gui.window.search_box.hasFocus()
    gui.window.table.setFocus()
    press(qtbot, gui, "?")
    sheet = gui.window.keys.shortcuts_dialog
    assert sheet is not None
    qtbot.waitUntil(sheet.isVisible, timeout=WAIT_MS)
    assert "j" in list(sheet.keys())
    sheet.reject()


def test_letters_typed_in_the_search_box_are_text(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    """GIVEN the search box has focus WHEN j is typed THEN it is text, not 'next item'."""
    ingest(qtbot, gui, [inbox], rows=2)
    box = gui.window.search_box
    gui.window.activateWindow()
    box.setFocus()
    qtbot.keyClicks(box, "jar")
    assert box.text() == "jar"
    assert gui.window.current_item() is None
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
