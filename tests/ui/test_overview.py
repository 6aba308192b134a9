"""Counts and filters of the sources pane (pure functions, no Qt)."""

from __future__ import annotations

from assistant.types import Category
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from tests.ui.test_item_model import make_item
from ui.overview import FilterKind
from ui.overview import ItemFilter
from ui.overview import build_overview
from ui.overview import matches
from ui.overview import under


def suggestion(item_id: int, kind: SuggestionKind) -> Suggestion:
    return Suggestion(
        id=item_id * 10,
        item_id=item_id,
        kind=kind,
        reason="r",
        confidence=0.9,
        model_version="m",
        state=SuggestionState.OPEN,
    )


def test_under_matches_files_mailboxes_and_folders() -> None:
    assert under("/mail/inbox.mbox#3", "/mail/inbox.mbox")
    assert under("/docs/a/b.txt", "/docs")
    assert under("/docs/a/b.txt", "/docs/")
    assert not under("/docs2/b.txt", "/docs")


def test_overview_counts_views_sources_and_categories() -> None:
    items = [
        make_item(1, category="finance"),
        make_item(2, category=None, user_category=None),  # unsure
        make_item(3, is_junk=True, category="promotion", source_path="/other/3.eml"),
        make_item(4, state=ItemState.ERROR, error="bad", category=None),
        make_item(5, kind=ItemKind.DOCUMENT, category="invoice", user_category="contract"),
    ]
    open_suggestions = [
        suggestion(1, SuggestionKind.READ_LATER),
        suggestion(1, SuggestionKind.ARCHIVE),
        suggestion(3, SuggestionKind.MARK_JUNK),
    ]
    sources = [{"id": 1, "kind": "folder", "path": "/mail", "paused": 0}]
    categories = [Category("finance", "money", ItemKind.MAIL), Category("fyi", "", ItemKind.MAIL)]
    overview = build_overview(items, open_suggestions, sources, categories)
    assert overview.total == 5
    assert overview.counts == {
        FilterKind.SUGGESTIONS: 2,
        FilterKind.READ_LATER: 1,
        FilterKind.UNSURE: 1,
        FilterKind.JUNK: 1,
        FilterKind.ERRORS: 1,
    }
    assert [(s.path, s.count, s.paused) for s in overview.sources] == [("/mail", 4, False)]
    assert (ItemKind.MAIL, "finance", 1) in overview.categories
    assert (ItemKind.MAIL, "fyi", 0) in overview.categories  # empty categories are listed
    assert (ItemKind.DOCUMENT, "contract", 1) in overview.categories  # the user's wins
    assert overview.open_kinds[1] == ("read_later", "archive")


def test_matches_each_filter() -> None:
    item = make_item(1, category="finance")
    assert matches(ItemFilter(FilterKind.CATEGORY, "finance"), item, {})
    assert not matches(ItemFilter(FilterKind.CATEGORY, "fyi"), item, {})
    assert matches(ItemFilter(FilterKind.UNREAD), item, {}, read=False)
    assert not matches(ItemFilter(FilterKind.UNREAD), item, {}, read=True)
    assert matches(ItemFilter(FilterKind.SUGGESTIONS), item, {1: ("archive",)})
    assert not matches(ItemFilter(FilterKind.SUGGESTIONS), item, {1: ()})
    assert matches(ItemFilter(FilterKind.SOURCE, "/mail"), item, {})
    assert not matches(ItemFilter(FilterKind.ERRORS), item, {})
    assert matches(ItemFilter(FilterKind.READ_LATER), item, {}, later=frozenset({1}))
    assert not matches(ItemFilter(FilterKind.READ_LATER), item, {})
