"""The item table model: display, badges, in-place updates and sorting."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from ui.item_model import ERROR_TEXT
from ui.item_model import JUNK_BADGE
from ui.item_model import Column
from ui.item_model import ItemTableModel
from ui.item_proxy import ItemSortProxy

pytestmark = pytest.mark.gui


def make_item(item_id: int, **fields: object) -> Item:
    base = Item(
        id=item_id,
        kind=ItemKind.MAIL,
        source_path=f"/mail/{item_id}.eml",
        title=f"Mail {item_id}",
        text="Hello",
        state=ItemState.READY,
        content_hash=f"h{item_id}",
        metadata={"from": "Dana <dana@example.com>", "date": f"2026-11-{10 + item_id}T09:00:00"},
        language="en",
        category="fyi",
        confidence=0.75,
        category_clues=("like: a notice",),
        user_category=None,
        is_junk=False,
        junk_probability=0.1,
        junk_clues=(),
        priority=0.1 * item_id,
        summary=None,
        error=None,
        created_at="2026-11-25T00:00:00",
        date="2026-11-11T09:00:00+00:00",
    )
    return dataclasses.replace(base, **fields)


def test_columns_and_badges(qtbot: QtBot) -> None:
    model = ItemTableModel()
    junk = make_item(2, is_junk=True, junk_probability=0.97)
    error = make_item(3, state=ItemState.ERROR, error="unreadable PDF", category=None)
    model.set_items([make_item(1), junk, error])
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == ["", "Title", "From/Path", "Category", "Junk", "Priority", "Date"]
    assert model.index(0, Column.CATEGORY).data() == "fyi 75%"
    assert model.index(0, Column.SOURCE).data() == "Dana <dana@example.com>"
    assert model.index(0, Column.DATE).data() == "2026-11-11 09:00"
    assert model.index(1, Column.JUNK).data() == JUNK_BADGE
    assert model.index(2, Column.CATEGORY).data() == ERROR_TEXT
    assert "unreadable PDF" in model.index(2, Column.CATEGORY).data(Qt.ItemDataRole.ToolTipRole)


def test_update_item_changes_one_row_without_reset(qtbot: QtBot) -> None:
    model = ItemTableModel()
    model.set_items([make_item(1), make_item(2)])
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.dataChanged, timeout=1000) as blocker,
    ):
        assert model.update_item(make_item(2, user_category="finance", category="finance"))
    assert blocker.args[0].row() == 1
    assert blocker.args[1].row() == 1
    assert model.index(1, Column.CATEGORY).data() == "finance (yours)"
    assert model.rowCount() == 2


def test_proxy_sorts_by_value(qtbot: QtBot) -> None:
    model = ItemTableModel()
    model.set_items([make_item(1), make_item(3), make_item(2)])
    proxy = ItemSortProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.PRIORITY, Qt.SortOrder.DescendingOrder)
    titles = [proxy.index(row, Column.TITLE).data() for row in range(3)]
    assert titles == ["Mail 3", "Mail 2", "Mail 1"]


def test_a_user_sort_keeps_the_chosen_filter(qtbot: QtBot) -> None:
    from ui.overview import FilterKind
    from ui.overview import ItemFilter

    model = ItemTableModel()
    model.set_items([make_item(1), make_item(2, is_junk=True), make_item(3, is_junk=True)])
    proxy = ItemSortProxy()  # filtering works before any sort
    proxy.setSourceModel(model)
    proxy.set_filter(ItemFilter(FilterKind.JUNK))
    assert proxy.rowCount() == 2
    proxy.sort(Column.PRIORITY, Qt.SortOrder.DescendingOrder)
    assert proxy.rowCount() == 2  # sorting used to reset the filter to all items
    assert [proxy.index(r, Column.TITLE).data() for r in range(2)] == ["Mail 3", "Mail 2"]


def test_fields_text_lists_dates_amounts_and_people() -> None:
    from assistant.fields import Amount
    from assistant.fields import Fields
    from assistant.fields import FoundDate
    from ui.detail_pane import fields_text

    text = fields_text(
        Fields(
            dates=(FoundDate("by Friday", "2026-11-27T00:00:00", deadline=True),),
            amounts=(Amount("$86.42", 86.42, "USD"),),
            people=("Priya Shah",),
        )
    )
    assert text.splitlines() == [
        "Dates: by Friday (2026-11-27 00:00) — deadline",
        "Amounts: 86.42 USD",
        "People: Priya Shah",
    ]
    assert fields_text(Fields()) == ""
