"""The sources pane, search, attachments, quoted text and the streamed summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.settings import Settings
from assistant.types import ItemKind
from assistant.types import ItemState
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.mail import make_mail
from tests.ui.conftest import WAIT_MS
from tests.ui.relay import Relay
from tests.ui.test_main_window import click_item
from tests.ui.test_main_window import ingest
from ui.app import Gui
from ui.app import build_gui
from ui.overview import FilterKind
from ui.overview import ItemFilter
from ui.summary_view import readable_partial

pytestmark = pytest.mark.gui


def test_sources_pane_counts_and_filters(
    qtbot: QtBot, gui: Gui, inbox: Path, tmp_path: Path
) -> None:
    """GIVEN a source with a mail, a document and a broken file
    WHEN the user clicks Errors, a category, the source, All items
    THEN the list shows just those items and the pane shows their counts."""
    (inbox / "broken.pdf").write_bytes(b"not a pdf")
    gui.engine.add_source(inbox, summarize=False)
    done = Relay(gui.engine.worker.queue_finished)
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    window, nav = gui.window, gui.window.nav
    qtbot.waitUntil(lambda: nav.count_of(ItemFilter(FilterKind.ERRORS)) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: all(i.state != ItemState.PENDING for i in window.model.items()), timeout=WAIT_MS
    )
    assert nav.count_of(ItemFilter(FilterKind.SOURCE, str(inbox))) == 3
    assert window.proxy.rowCount() == 3

    nav.choose(ItemFilter(FilterKind.ERRORS))
    assert [i.state for i in window.visible_items()] == [ItemState.ERROR]
    doc = next(
        i
        for i in window.model.items()
        if i.kind == ItemKind.DOCUMENT and i.state == ItemState.READY
    )
    category = doc.user_category or doc.category
    if category is None:  # the fake embedder may leave it unsure
        nav.choose(ItemFilter(FilterKind.UNSURE))
        assert doc.id in {i.id for i in window.visible_items()}
    else:
        nav.choose(ItemFilter(FilterKind.CATEGORY, category))
        assert doc.id in {i.id for i in window.visible_items()}
        assert all((i.user_category or i.category) == category for i in window.visible_items())
    nav.choose(ItemFilter(FilterKind.SOURCE, str(inbox)))
    assert window.proxy.rowCount() == 3
    nav.choose(ItemFilter(FilterKind.UNREAD))
    assert window.proxy.rowCount() == 2  # the error item is not "unread"
    click_item(qtbot, gui, window.visible_items()[0].id)
    qtbot.waitUntil(lambda: nav.count_of(ItemFilter(FilterKind.UNREAD)) == 1, timeout=WAIT_MS)
    assert window.proxy.rowCount() == 2  # read now, but it stays until the view changes
    nav.choose(ItemFilter(FilterKind.ALL))
    assert window.proxy.rowCount() == 3


def test_search_replaces_the_list_and_escape_restores_it(
    qtbot: QtBot, gui: Gui, inbox: Path
) -> None:
    ingest(qtbot, gui, [inbox], rows=2)
    window = gui.window
    window.search_box.setText("budget")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.searching == "budget", timeout=WAIT_MS)
    titles = [i.title for i in window.visible_items()]
    assert titles == ["Can you review the budget before Friday?"]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.searching == ""
    assert window.proxy.rowCount() == 2


def test_search_with_no_match_shows_an_empty_list(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    ingest(qtbot, gui, [inbox], rows=2)
    window = gui.window
    window.search_box.setText("zebra")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.searching == "zebra", timeout=WAIT_MS)
    assert window.proxy.rowCount() == 0


def test_readable_partial_shows_words_not_json() -> None:
    assert readable_partial("") == ""
    assert readable_partial('{"one_line": "The rent goes u') == "The rent goes u"
    assert readable_partial('{"one_line": "Rent\\u00e9 up", "key_points": ["A", "B') == (
        "Renté up\n• A\n• B"
    )
    assert readable_partial('{"one_line": "cut \\') == "cut "


@pytest.fixture
def slow_gui(qtbot: QtBot, home: Path) -> Gui:
    """A GUI whose fake LLM streams slowly enough to watch."""

    def create(progress: ProgressCallback) -> Sift:
        return Sift(
            home,
            embedder=FakeEmbedder(),
            generator=FakeGenerator(delay=0.01),
            settings=Settings(),
            progress=progress,
        )

    gui = build_gui(create, tray_available=False)
    qtbot.addWidget(gui.window)
    opened = Relay(gui.engine.worker.opened)
    with qtbot.waitSignal(opened.received, timeout=WAIT_MS):
        gui.start()
    yield gui
    gui.shutdown()


def test_summary_streams_in_then_settles(qtbot: QtBot, slow_gui: Gui, inbox: Path) -> None:
    """GIVEN an item without a summary WHEN it is shown THEN its summary streams in,
    in batches (fewer signals than tokens), and the final summary replaces the stream."""
    gui = slow_gui
    done = Relay(gui.engine.worker.queue_finished)
    gui.engine.ingest([inbox], summarize=False)
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    mail = next(i for i in gui.window.model.items() if i.kind == ItemKind.MAIL)
    assert mail.summary is None
    streamed = Relay(gui.engine.worker.summary_streamed)
    finished = Relay(gui.engine.worker.summary_finished)
    click_item(qtbot, gui, mail.id)
    view = gui.window.detail.summary
    assert view.streaming
    assert not view.again_button.isEnabled()
    qtbot.waitUntil(lambda: bool(finished.calls), timeout=WAIT_MS)
    summary = finished.calls[0][1]
    assert streamed.calls, "no token batches arrived"
    tokens = len(view.streamed_text.split())
    assert len(streamed.calls) < tokens  # batched, not one signal per token
    assert "".join(c[1] for c in streamed.calls) == view.streamed_text
    qtbot.waitUntil(lambda: not view.streaming, timeout=WAIT_MS)
    assert view.text_label.text() == summary.one_line
    assert view.again_button.text() == "Summarize again"

    finished.calls.clear()
    qtbot.mouseClick(view.again_button, Qt.MouseButton.LeftButton)
    assert view.streaming
    qtbot.waitUntil(lambda: bool(finished.calls), timeout=WAIT_MS)
    row = gui.window.model.row_of(mail.id)
    qtbot.waitUntil(lambda: gui.window.model.item_at(row).summary is not None, timeout=WAIT_MS)


def test_quoted_text_folds_and_attachments_open(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    """GIVEN a reply with a quoted original and an attachment WHEN it is shown
    THEN the quote is folded behind a toggle and the attachment opens its item."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Re: the plan"
    message["From"] = "Dana <dana@example.com>"
    message["To"] = "Alex <alex@example.com>"
    message["Message-ID"] = "<r1@example.com>"
    message.set_content(
        "Sounds good, let's go ahead.\n\nOn Mon, Alex wrote:\n> Shall we ship the plan?\n"
        "> It is ready.\n"
    )
    message.add_attachment(
        b"Budget notes: travel 300 EUR.", maintype="text", subtype="plain", filename="notes.txt"
    )
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message))
    done = Relay(gui.engine.worker.queue_finished)
    gui.engine.ingest([path], summarize=False)
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    window = gui.window
    mail = next(i for i in window.model.items() if i.parent_id is None)
    click_item(qtbot, gui, mail.id)
    detail = window.detail
    qtbot.waitUntil(lambda: detail.attachments_list.count() == 1, timeout=WAIT_MS)
    assert detail.quoted_button.isVisibleTo(window)
    assert "Shall we ship" not in detail.text_edit.toPlainText()
    detail.quoted_button.click()
    assert "Shall we ship" in detail.text_edit.toPlainText()
    detail.quoted_button.click()
    assert "Shall we ship" not in detail.text_edit.toPlainText()
    entry = detail.attachments_list.item(0)
    assert "notes" in entry.text()
    detail.attachments_list.itemClicked.emit(entry)
    qtbot.waitUntil(lambda: window.current_item().parent_id == mail.id, timeout=WAIT_MS)


def test_error_badge_and_tooltip(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    from ui.item_model import ERROR_BADGE
    from ui.item_model import Column

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"nope")
    (item,) = ingest(qtbot, gui, [broken], rows=1)
    model = gui.window.model
    index = model.index(model.row_of(item.id), Column.STATUS)
    assert index.data() == ERROR_BADGE
    assert item.error in index.data(Qt.ItemDataRole.ToolTipRole)


def test_unread_and_pending_badges(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    from ui.item_model import Column

    found = ingest(qtbot, gui, [inbox], rows=2)
    mail = next(i for i in found if i.kind == ItemKind.MAIL)
    model = gui.window.model
    index = model.index(model.row_of(mail.id), Column.STATUS)
    qtbot.waitUntil(lambda: "◆" in (index.data() or ""), timeout=WAIT_MS)
    assert index.data().startswith("●")
    click_item(qtbot, gui, mail.id)
    assert not model.index(model.row_of(mail.id), Column.STATUS).data().startswith("●")


def test_mail_sender_is_shown(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "a.eml").write_bytes(make_mail("Hello", "Body.", message_id="a@x"))
    (item,) = ingest(qtbot, gui, [folder], rows=1)
    click_item(qtbot, gui, item.id)
    assert "Dana Lee" in gui.window.detail.meta_label.text()


def test_showing_an_item_records_opened_and_dwell(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    """GIVEN two items WHEN one is shown, then the other THEN the engine records OPENED
    for the first (which marks it read) and DWELL when the user leaves it."""
    from assistant.types import SignalKind

    found = ingest(qtbot, gui, [inbox], rows=2)
    first, second = found
    click_item(qtbot, gui, first.id)

    def kinds(item_id: int) -> list[str]:
        done: list = []
        gui.engine.call(lambda sift: [s.kind for s in sift.signals(item_id)], done.append)
        qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
        return done[0]

    qtbot.waitUntil(lambda: SignalKind.OPENED in kinds(first.id), timeout=WAIT_MS)
    qtbot.wait(1100)  # dwell is recorded from one second on
    click_item(qtbot, gui, second.id)
    qtbot.waitUntil(lambda: SignalKind.DWELL in kinds(first.id), timeout=WAIT_MS)
    done: list = []
    gui.engine.call(lambda sift: sift.item(first.id).read, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert done == [True]  # the read mark lives in the engine, not only in the window


def test_read_next_view_lists_the_engine_ranking(qtbot: QtBot, gui: Gui, inbox: Path) -> None:
    ingest(qtbot, gui, [inbox], rows=2)
    window = gui.window
    ranked: list = []
    gui.engine.call(lambda sift: [r.item.id for r in sift.read_next(limit=50)], ranked.append)
    qtbot.waitUntil(lambda: bool(ranked), timeout=WAIT_MS)
    window.nav.choose(ItemFilter(FilterKind.READ_NEXT))
    qtbot.waitUntil(lambda: window.searching != "", timeout=WAIT_MS)
    assert [i.id for i in window.visible_items()] == ranked[0]  # in the engine's order
    window.nav.choose(ItemFilter(FilterKind.ALL))
    assert window.searching == ""
    assert window.proxy.rowCount() == 2


def test_read_later_view_keeps_accepted_items(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN a read-later suggestion WHEN it is accepted THEN the item stays in Read later
    (now from the engine's read-later list rather than an open suggestion)."""
    sample = Path(__file__).resolve().parents[2] / "resources" / "sample" / "inbox.mbox"
    done = Relay(gui.engine.worker.queue_finished)
    gui.engine.ingest([sample], summarize=False)
    qtbot.waitUntil(lambda: bool(done.calls), timeout=WAIT_MS)
    found: list = []
    gui.engine.call(
        lambda sift: [s for s in sift.suggestions() if s.kind == "read_later"], found.append
    )
    qtbot.waitUntil(lambda: bool(found), timeout=WAIT_MS)
    assert found[0], "the sample inbox gives read-later suggestions (newsletters)"
    suggestion = found[0][0]
    window = gui.window
    later = ItemFilter(FilterKind.READ_LATER)
    qtbot.waitUntil(lambda: (window.nav.count_of(later) or 0) >= 1, timeout=WAIT_MS)
    before = window.nav.count_of(later)
    recorded = Relay(gui.engine.worker.feedback_recorded)
    gui.engine.accept(suggestion.id)
    qtbot.waitUntil(lambda: bool(recorded.calls), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(window.overview.read_later), timeout=WAIT_MS)
    assert suggestion.item_id in window.overview.read_later
    assert window.nav.count_of(later) == before
    window.nav.choose(later)
    assert suggestion.item_id in {i.id for i in window.visible_items()}


def test_summary_notes_show_small_and_muted_under_the_summary(qtbot: QtBot) -> None:
    """GIVEN a summary made from parts of a long text WHEN it is shown
    THEN its notes appear under it, smaller and muted; a summary without notes hides them."""
    from PySide6.QtGui import QPalette

    from assistant.types import Summary
    from ui.summary_view import SummaryView

    view = SummaryView()
    qtbot.addWidget(view)
    view.item_id = 7
    notes = ("summarized from 8 of 23 parts", "2 points dropped: not in the text")
    view.finish(7, Summary("The budget is due Friday.", key_points=("Review it",), notes=notes))
    label = view.notes_label
    assert not label.isHidden()
    assert label.text() == "\n".join(notes)
    assert label.font().pointSizeF() < view.text_label.font().pointSizeF()
    assert label.foregroundRole() == QPalette.ColorRole.PlaceholderText
    layout = view.layout()
    assert layout.indexOf(label) > layout.indexOf(view.actions_label)  # under the summary
    view.begin_stream(7)
    assert label.isHidden()  # a new summary is being written
    view.finish(7, Summary("The budget is due Friday."))
    assert label.isHidden()
