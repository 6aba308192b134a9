"""The item table model: display, badges, in-place updates and sorting."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from ui.item_model import ERROR_TEXT
from ui.item_model import FILTER_ROLE
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


def dated(item_id: int, day: int) -> Item:
    return make_item(item_id, date=f"2026-11-{day:02d}T09:00:00+00:00")


def test_insert_items_puts_new_rows_in_sorted_places_without_a_reset(qtbot: QtBot) -> None:
    model = ItemTableModel()  # newest first
    model.set_items([dated(1, 20), dated(2, 10), dated(3, 5)])
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    again = dataclasses.replace(dated(2, 10), title="Mail 2 again")
    with qtbot.assertNotEmitted(model.modelReset):
        model.insert_items([dated(4, 15), dated(5, 1), again])
    assert [model.item_at(row).id for row in range(model.rowCount())] == [1, 4, 2, 3, 5]
    assert sorted(inserted) == [(1, 1), (4, 4)]  # one insert per new row, none for item 2
    assert model.item_at(2).title == "Mail 2 again"  # a known item is updated in place
    assert [model.row_of(i) for i in (1, 4, 2, 3, 5)] == [0, 1, 2, 3, 4]


def test_insert_items_ties_go_after_equal_keys_and_follow_the_sort_order(qtbot: QtBot) -> None:
    model = ItemTableModel()
    model.set_items([dated(1, 20), dated(2, 10)])
    model.sort(Column.DATE, Qt.SortOrder.AscendingOrder)
    model.insert_items([dated(3, 10), dated(4, 30)])
    assert [model.item_at(row).id for row in range(4)] == [2, 3, 1, 4]


def test_insert_items_fills_an_empty_table_by_one_reset_and_never_resets_a_shown_one(
    qtbot: QtBot,
) -> None:
    model = ItemTableModel()
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.insert_items([dated(1, 20)])
    with qtbot.assertNotEmitted(model.modelReset):  # a reset would drop the selection
        model.insert_items([dated(n, n) for n in range(2, 6)])
    assert [model.item_at(row).id for row in range(5)] == [1, 5, 4, 3, 2]


def test_remove_items_takes_out_only_those_rows(qtbot: QtBot) -> None:
    model = ItemTableModel()
    model.set_items([dated(n, n) for n in range(1, 6)])  # rows: 5 4 3 2 1
    removed = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    with qtbot.assertNotEmitted(model.modelReset):
        model.remove_items([4, 2, 99])
    assert [model.item_at(row).id for row in range(3)] == [5, 3, 1]
    assert removed == [(3, 3), (1, 1)]
    assert model.row_of(4) is None and model.row_of(1) == 2
    model.insert_items([dated(4, 4)])  # the sort keys stayed in step with the rows
    assert [model.item_at(row).id for row in range(4)] == [5, 4, 3, 1]


class CountingModel(ItemTableModel):
    """Counts the proxy's questions about which rows to show."""

    def __init__(self) -> None:
        super().__init__()
        self.filter_asks = 0

    def _value(self, item: Item, column_number: int, role: int) -> object:
        if role == FILTER_ROLE:
            self.filter_asks += 1
        return super()._value(item, column_number, role)


def test_showing_every_item_filters_without_asking_the_model(qtbot: QtBot) -> None:
    from ui.overview import ALL_ITEMS
    from ui.overview import FilterKind
    from ui.overview import ItemFilter

    model = CountingModel()
    proxy = ItemSortProxy()
    proxy.setSourceModel(model)
    model.set_items([make_item(n, is_junk=n % 2 == 0) for n in range(1, 201)])
    assert proxy.rowCount() == 200
    assert model.filter_asks == 0  # Qt accepted every row by itself
    proxy.set_filter(ItemFilter(FilterKind.JUNK))
    assert proxy.rowCount() == 100
    assert model.filter_asks == 200  # each row once
    model.insert_items([make_item(500, is_junk=True), make_item(501)])
    assert proxy.rowCount() == 101  # a new row meets the filter as it is inserted
    proxy.set_filter(ItemFilter(FilterKind.CATEGORY, "fyi"))  # same pattern, new rows
    assert proxy.rowCount() == 202
    proxy.set_filter(ItemFilter(FilterKind.ALL))  # the sources pane's own "All items"
    asked = model.filter_asks
    model.set_items(model.items())
    proxy.set_filter(ALL_ITEMS)
    proxy.set_filter(ItemFilter(FilterKind.SEARCH, "report"))
    assert proxy.rowCount() == 202
    assert model.filter_asks == asked


def test_cells_get_every_role_in_one_call_as_data_gives_them(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    from ui.item_view import ItemTableView

    model = ItemTableModel()
    model.set_items([make_item(1), make_item(2, state=ItemState.ERROR, error="bad MIME")])
    proxy = ItemSortProxy()
    proxy.setSourceModel(model)
    view = ItemTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    for row in range(2):
        for column in Column:
            option = QStyleOptionViewItem()
            index = proxy.index(row, column)
            view.itemDelegate().initStyleOption(option, index)  # uses multiData
            source = model.index(proxy.mapToSource(index).row(), column)
            assert option.text == (source.data() or "")
            font = source.data(Qt.ItemDataRole.FontRole)
            assert option.font.bold() == (font is not None and font.bold())
    assert model.index(5, 0).isValid() is False
    assert model.index(0, len(Column)).isValid() is False


def test_clicking_a_column_header_sorts_the_items(qtbot: QtBot) -> None:
    from ui.item_view import ItemTableView

    model = ItemTableModel()
    model.set_items([make_item(1), make_item(3), make_item(2)])
    proxy = ItemSortProxy()
    proxy.setSourceModel(model)
    view = ItemTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.resize(800, 300)
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    assert header.sectionsClickable()
    x = header.sectionViewportPosition(Column.PRIORITY) + header.sectionSize(Column.PRIORITY) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    priorities = [model.item_at(row).priority for row in range(3)]
    assert priorities == sorted(priorities) or priorities == sorted(priorities, reverse=True)
    assert model.sort_column == Column.PRIORITY


def test_painted_cells_follow_every_change_to_their_item(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    from ui.item_view import ItemTableView

    model = ItemTableModel()
    model.set_items([make_item(1)])
    view = ItemTableView()
    qtbot.addWidget(view)
    view.setModel(model)

    def painted(column: Column) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        view.itemDelegate().initStyleOption(option, model.index(0, column))
        return option

    assert painted(Column.CATEGORY).text == "fyi 75%"
    assert painted(Column.TITLE).font.bold()  # unread
    model.update_item(make_item(1, category="finance", confidence=0.5))
    assert painted(Column.CATEGORY).text == "finance 50%"
    model.set_read(1)
    assert not painted(Column.TITLE).font.bold()
    assert painted(Column.STATUS).text == ""
    model.set_item_open_kinds(1, ("archive", "reply_draft"))
    assert painted(Column.STATUS).text == "◆2"
    model.set_open_kinds({})
    assert painted(Column.STATUS).text == ""
    model.set_items([make_item(1, title="Renamed")])
    assert painted(Column.TITLE).text == "Renamed"
