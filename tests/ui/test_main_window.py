"""The main window with the real engine thread and fake models."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.settings import Settings
from assistant.store import Store
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import SuggestionKind
from assistant.types import Verdict
from tests.ui.conftest import WAIT_MS
from tests.ui.relay import Relay
from ui.app import Gui
from ui.item_model import ERROR_TEXT
from ui.item_model import Column
from ui.suggestion_card import SuggestionCard

pytestmark = pytest.mark.gui


def ingest(qtbot: QtBot, gui: Gui, paths: list[Path], rows: int) -> list[Item]:
    """Ingest ``paths`` through the worker; wait for the queue and ``rows`` rows in the table.

    The queue must be done: a test's own engine calls run before queued
    background work (user commands come first), so they would see items
    not yet classified.
    """
    relay = Relay(gui.engine.worker.ingested)
    finished = Relay(gui.engine.worker.queue_finished)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        gui.engine.ingest(paths, summarize=True)
    qtbot.waitUntil(lambda: bool(finished.calls), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: gui.window.proxy.rowCount() == rows, timeout=WAIT_MS)
    return list(blocker.args[0][0])


def click_item(qtbot: QtBot, gui: Gui, item_id: int) -> None:
    """Click an item's row in the table, as a user would."""
    window = gui.window
    row = window.model.row_of(item_id)
    assert row is not None
    index = window.proxy.mapFromSource(window.model.index(row, Column.TITLE))
    rect = window.table.visualRect(index)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_item() is not None
    assert window.current_item().id == item_id


def wait_for_cards(qtbot: QtBot, gui: Gui) -> list[SuggestionCard]:
    """Wait until the detail pane shows cards, laid out (a click needs a real size)."""

    def laid_out() -> bool:
        cards = gui.window.detail.cards
        return bool(cards) and all(not card.accept_button.rect().isEmpty() for card in cards)

    qtbot.waitUntil(laid_out, timeout=WAIT_MS)
    return gui.window.detail.cards


def feedback_rows(home: Path) -> list:
    store = Store(home / "sift.db")
    try:
        return store.feedback()
    finally:
        store.close()


def test_window_basics(gui: Gui) -> None:
    """GIVEN a started GUI THEN it is titled Sift and fits 1024×640."""
    window = gui.window
    assert window.windowTitle() == "Sift"
    assert window.minimumSize().width() <= 1024
    assert window.minimumSize().height() <= 640
    assert [a.text() for a in (window.add_source_action, window.train_action)] == [
        "Add source…",
        "Train",
    ]


def test_accept_records_feedback(qtbot: QtBot, gui: Gui, inbox: Path, home: Path) -> None:
    """GIVEN a mail whose first card is a reply draft WHEN the user clicks Accept
    THEN the draft streams into an editable box first; WHEN they edit it and Accept
    THEN the edited text is what the engine sends, an ``accept`` feedback row is stored,
    and the status line says what was done with an Undo."""
    from tests.ui.test_dialogs import engine_result

    found = ingest(qtbot, gui, [inbox], rows=2)
    mail = next(item for item in found if item.kind == ItemKind.MAIL)
    click_item(qtbot, gui, mail.id)
    cards = wait_for_cards(qtbot, gui)
    assert gui.window.detail.title_label.text() == mail.title
    first = cards[0].suggestion
    assert first.kind == SuggestionKind.REPLY_DRAFT

    def card() -> SuggestionCard:
        # The cards may be rebuilt meanwhile (a reload): take the one shown now.
        shown = gui.window.detail.card_of(first.id)
        assert shown is not None
        return shown

    relay = Relay(gui.engine.worker.feedback_recorded)
    streamed = Relay(gui.engine.worker.draft_streamed)
    qtbot.mouseClick(card().accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card().draft is not None, timeout=WAIT_MS)
    box = card().draft_box
    assert box is not None and box.isVisible()
    assert streamed.calls  # it came in pieces, as the model wrote it
    assert not relay.calls  # previewing decides nothing
    assert box.toPlainText() == card().draft
    assert not box.isReadOnly()
    edited = "Hi Dana,\n\nYes, I will review it by Thursday.\n\nAlex"
    box.setPlainText(edited)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(card().accept_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0][0].id == first.id
    status = gui.window.status
    qtbot.waitUntil(lambda: not status.undo_button.isHidden(), timeout=WAIT_MS)
    (record, *_) = engine_result(qtbot, gui, lambda sift: sift.actions())
    assert record.suggestion_id == first.id
    assert record.detail["text"] == edited
    assert record.detail["edited"] is True
    assert status.label.text() == f"Done: {record.summary}"
    # The accepted suggestion is no longer open, so its card goes away.
    qtbot.waitUntil(
        lambda: all(card.suggestion.id != first.id for card in gui.window.detail.cards),
        timeout=WAIT_MS,
    )
    assert gui.shutdown()

    rows = feedback_rows(home)
    accepted = [row for row in rows if row.verdict == Verdict.ACCEPT]
    assert [(row.suggestion_id, row.item_id) for row in accepted] == [(first.id, mail.id)]


def test_reject_with_correction_changes_category(
    qtbot: QtBot, gui: Gui, inbox: Path, home: Path
) -> None:
    """GIVEN a document WHEN the user clicks Correct… and picks another category
    THEN the suggestion is rejected with that correction and the row shows it."""
    found = ingest(qtbot, gui, [inbox], rows=2)
    doc = next(item for item in found if item.kind == ItemKind.DOCUMENT)
    click_item(qtbot, gui, doc.id)
    card = wait_for_cards(qtbot, gui)[0]
    new_category = "recipe" if doc.category != "recipe" else "letter"

    qtbot.mouseClick(card.correct_button, Qt.MouseButton.LeftButton)
    dialog = card.dialog
    assert dialog is not None
    names = [dialog.combo.itemText(i) for i in range(dialog.combo.count())]
    assert new_category in names
    assert "needs-reply" not in names  # only categories of the item's kind
    dialog.combo.setCurrentText(new_category)
    relay = Relay(gui.engine.worker.feedback_recorded)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS):
        qtbot.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

    window = gui.window
    row = window.model.row_of(doc.id)
    assert row is not None
    qtbot.waitUntil(lambda: window.model.item_at(row).category == new_category, timeout=WAIT_MS)
    shown = window.model.index(row, Column.CATEGORY).data()
    assert shown == f"{new_category} (yours)"
    assert window.detail.category_label.text() == f"Category: {new_category} (yours)"
    assert gui.shutdown()

    rejected = [row for row in feedback_rows(home) if row.verdict == Verdict.REJECT]
    assert [(r.suggestion_id, r.correction) for r in rejected] == [
        (card.suggestion.id, new_category)
    ]


def test_error_item_shows_reason(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    """GIVEN a file that cannot be read THEN its row says so and shows why."""
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    (item,) = ingest(qtbot, gui, [broken], rows=1)
    assert item.state == ItemState.ERROR

    window = gui.window
    index = window.model.index(window.model.row_of(item.id), Column.CATEGORY)
    assert index.data() == ERROR_TEXT
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert item.error
    assert item.error in tooltip
    click_item(qtbot, gui, item.id)
    assert window.detail.error_label.isVisibleTo(window)
    assert item.error in window.detail.error_label.text()


def test_retry_reads_a_fixed_file_again(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    """GIVEN an error item WHEN its file is fixed and Retry is clicked THEN it is read."""
    import docx

    broken = tmp_path / "report.docx"
    broken.write_bytes(b"not a docx")
    (item,) = ingest(qtbot, gui, [broken], rows=1)
    assert item.state == ItemState.ERROR
    click_item(qtbot, gui, item.id)
    button = gui.window.detail.retry_button
    assert button.isVisibleTo(gui.window)
    document = docx.Document()
    document.add_paragraph("The fixed quarterly report.")
    document.save(str(broken))
    relay = Relay(gui.engine.worker.item_changed)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    changed = blocker.args[0][0]
    assert changed.id == item.id and changed.state == ItemState.READY
    assert "fixed quarterly report" in changed.text


def test_engine_error_goes_to_status_bar(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN no such suggestion WHEN it is accepted THEN the status bar says why."""
    relay = Relay(gui.engine.worker.failed)
    with qtbot.waitSignal(relay.received, timeout=WAIT_MS) as blocker:
        gui.engine.accept(999)
    assert "999" in blocker.args[0][0]
    assert "999" in gui.window.status_label.text()
    assert gui.window.status_label.text().startswith("⚠")


def test_progress_reaches_status_bar(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    """GIVEN an ingest THEN progress messages show and the bar hides when done."""
    relay = Relay(gui.engine.worker.progress_changed)
    ingest(qtbot, gui, [inbox], rows=2)
    qtbot.waitUntil(lambda: not gui.window.progress_bar.isVisible(), timeout=WAIT_MS)
    assert "read" in {args[0].stage for args in relay.calls}
    assert gui.window.status_label.text().startswith("2 items")


def test_closing_window_stops_worker(qtbot: QtBot, gui: Gui, inbox: Path, home: Path) -> None:
    """GIVEN a running GUI WHEN the window is closed THEN the engine thread stops
    and the database is closed (a new engine can open it)."""
    ingest(qtbot, gui, [inbox], rows=2)
    assert gui.engine.running
    relay = Relay(gui.engine.worker.closed)
    gui.window.close()  # blocks until the engine thread has stopped
    qtbot.waitUntil(lambda: bool(relay.calls), timeout=WAIT_MS)
    assert not gui.engine.running
    assert gui.engine.engine_thread.isFinished()

    from assistant.engine import Sift
    from models.fake import FakeEmbedder
    from models.fake import FakeGenerator

    with Sift(
        home, embedder=FakeEmbedder(), generator=FakeGenerator(), settings=Settings()
    ) as sift:
        assert len(sift.items()) == 2


def test_the_table_follows_an_ingest_row_by_row_and_drops_deleted_files(
    qtbot: QtBot, gui: Gui, inbox: Path
) -> None:
    """GIVEN a shown, selected item WHEN more items are read THEN they are inserted without
    a reset (the selection stays) AND a file deleted meanwhile leaves the table."""
    items = ingest(qtbot, gui, [inbox], rows=2)
    window = gui.window
    mail = next(i for i in items if i.kind == "mail")
    doc = next(i for i in items if i.kind == "document")
    assert window.select_item(mail.id)
    more = inbox.parent / "more"
    more.mkdir()
    for n in range(3):
        (more / f"note{n}.txt").write_text(f"Note {n}: buy milk.\n", encoding="utf-8")
    (inbox / "minutes.txt").unlink()
    gui.engine.call(lambda sift: sift.reconcile([inbox]))
    with qtbot.assertNotEmitted(window.model.modelReset, wait=0):
        ingest(qtbot, gui, [more], rows=4)
    assert window.model.row_of(doc.id) is None
    current = window.current_item()
    assert current is not None and current.id == mail.id
