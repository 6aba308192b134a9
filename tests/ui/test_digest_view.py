"""The digest window: its page comes from the engine, and only ``sift://`` links act."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from assistant import digest as digest_module
from assistant.engine import Sift
from assistant.types import ItemKind
from assistant.types import SuggestionState
from tests.ui.conftest import WAIT_MS
from tests.ui.test_dialogs import engine_result
from tests.ui.test_main_window import ingest
from ui.app import Gui
from ui.digest_view import DigestDialog
from ui.digest_view import parse_link

pytestmark = pytest.mark.gui


def open_digest(qtbot: QtBot, gui: Gui) -> DigestDialog:
    gui.window.open_digest()
    dialog = gui.window.digest_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.digest is not None, timeout=WAIT_MS)
    return dialog


def show_entry_of(qtbot: QtBot, gui: Gui, dialog: DigestDialog, kind: ItemKind) -> int:
    """Show a digest of the first ``kind`` item with its open suggestions; the item id."""

    def build(sift: Sift) -> tuple[digest_module.Digest, str]:
        item = next(i for i in sift.items() if i.kind == kind)
        entry = digest_module.DigestEntry(item, tuple(sift.suggestions(item.id)))
        digest = digest_module.Digest("2026-11-25", (entry,))
        return digest, digest_module.render_html(digest)

    result = engine_result(qtbot, gui, build)
    dialog.show_digest(result)  # type: ignore[arg-type]
    return dialog.digest.entries[0].item.id  # type: ignore[union-attr]


def click_text(qtbot: QtBot, dialog: DigestDialog, text: str) -> None:
    """Click the middle of ``text`` in the page, as a user would."""
    browser = dialog.browser
    found = browser.document().find(text)
    assert not found.isNull(), text
    cursor = QTextCursor(found)
    cursor.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    point = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_links_are_parsed_strictly() -> None:
    assert parse_link(QUrl("sift://open/12")) == ("open", 12)
    assert parse_link(QUrl("sift://accept/7")) == ("accept", 7)
    for other in ("https://example.com/open/1", "sift://delete/3", "sift://open/x", "file:///etc"):
        assert parse_link(QUrl(other)) is None, other


def test_menu_opens_the_engine_digest(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN the window WHEN View > Digest is chosen THEN the engine's page is shown."""
    gui.window.digest_action.trigger()
    dialog = gui.window.digest_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: "Sift digest for" in dialog.browser.toPlainText(), timeout=WAIT_MS)
    assert dialog.isVisible()
    dialog.refresh(day="2026-11-19")
    qtbot.waitUntil(lambda: "2026-11-19" in dialog.browser.toPlainText(), timeout=WAIT_MS)
    dialog.refresh_button.click()  # keeps the day shown
    qtbot.waitUntil(lambda: dialog.day == "2026-11-19", timeout=WAIT_MS)
    loaded = dialog.digest
    qtbot.waitUntil(lambda: dialog.digest is not loaded, timeout=WAIT_MS)
    assert dialog.digest is not None and dialog.digest.day == "2026-11-19"


def test_other_links_are_never_opened(
    qtbot: QtBot, gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a digest with an https link WHEN it is clicked
    THEN nothing opens it, the page stays, and nothing is asked or selected."""
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = open_digest(qtbot, gui)
    requested: list[int] = []
    dialog.item_requested.connect(requested.append)
    clicked: list[QUrl] = []
    dialog.browser.anchorClicked.connect(clicked.append)
    dialog.browser.setHtml('<p>see <a href="https://example.com/phish">the phishing link</a></p>')
    click_text(qtbot, dialog, "phishing")
    assert [url.toString() for url in clicked] == ["https://example.com/phish"]  # it was hit
    dialog.browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == []
    assert "phishing link" in dialog.browser.toPlainText()  # not navigated away
    assert dialog.browser.source().isEmpty()
    assert dialog.confirm is None
    assert requested == []


def test_open_link_selects_the_item(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    ingest(qtbot, gui, [inbox], rows=2)
    dialog = open_digest(qtbot, gui)
    item_id = show_entry_of(qtbot, gui, dialog, ItemKind.MAIL)
    click_text(qtbot, dialog, "review the budget")
    qtbot.waitUntil(lambda: gui.window.current_item() is not None, timeout=WAIT_MS)
    assert gui.window.current_item().id == item_id


@pytest.mark.parametrize(
    "answer", [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
)
def test_accept_link_asks_first_then_offers_undo(
    qtbot: QtBot, gui: Gui, inbox: Path, answer: QMessageBox.StandardButton
) -> None:
    """GIVEN a digest suggestion WHEN its link is clicked THEN a box names its kind and
    reason; Cancel keeps it open, Yes accepts it and the status line offers Undo."""
    ingest(qtbot, gui, [inbox], rows=2)
    dialog = open_digest(qtbot, gui)
    show_entry_of(qtbot, gui, dialog, ItemKind.DOCUMENT)
    suggestion = dialog.digest.entries[0].suggestions[0]  # type: ignore[union-attr]
    dialog.browser.anchorClicked.emit(QUrl(f"sift://accept/{suggestion.id}"))
    confirm = dialog.confirm
    assert confirm is not None
    assert str(suggestion.kind).replace("_", " ") in confirm.text().lower()
    assert confirm.informativeText() == suggestion.reason

    def state() -> str:
        found = engine_result(qtbot, gui, lambda sift: sift.store.suggestion(suggestion.id))
        return str(found.state)  # type: ignore[attr-defined]

    confirm.done(answer)
    status = gui.window.status
    if answer == QMessageBox.StandardButton.Cancel:
        assert state() == SuggestionState.OPEN
        assert status.undo_button.isHidden()
        return
    qtbot.waitUntil(lambda: status.label.text().startswith("Done: "), timeout=WAIT_MS)
    assert state() == SuggestionState.ACCEPTED
    assert not status.undo_button.isHidden()
    status.undo_button.click()
    qtbot.waitUntil(lambda: state() == SuggestionState.OPEN, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status.label.text().startswith("Undo: "), timeout=WAIT_MS)
