"""What the sources pane counts and how it filters the item list.

``build_overview`` runs on the engine thread (it reads every item and open
suggestion once) and returns an ``Overview``, a frozen value the GUI thread
only reads. ``ItemFilter`` with ``matches`` is the pure predicate the list's
proxy applies, so filtering is testable without Qt.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from assistant.types import Category
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Suggestion
from assistant.types import SuggestionKind


class FilterKind(enum.StrEnum):
    """The rows of the sources pane, by what they select."""

    ALL = "all"
    UNREAD = "unread"
    SUGGESTIONS = "suggestions"  # items with an open suggestion
    READ_LATER = "read_later"
    UNSURE = "unsure"
    JUNK = "junk"
    ERRORS = "errors"
    SOURCE = "source"  # value: the source's path
    CATEGORY = "category"  # value: the category name
    SEARCH = "search"  # the list holds search results; no further filter
    READ_NEXT = "read_next"  # the engine's ranked reading list (engines with read_next)


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """One selection of the sources pane."""

    kind: FilterKind = FilterKind.ALL
    value: str = ""


ALL_ITEMS = ItemFilter()


@dataclass(frozen=True, slots=True)
class SourceCount:
    """A configured source with the number of items read from it."""

    id: int
    kind: str
    path: str
    paused: bool
    count: int


@dataclass(frozen=True, slots=True)
class Overview:
    """Counts for the sources pane and the open suggestions of every item.

    Attributes:
        total: live items.
        sources: configured sources with counts.
        categories: mail categories and document types with counts, by kind.
        counts: items per special view (``FilterKind`` value -> count).
        open_kinds: item id -> the kinds of its open suggestions.
        read_later: items on the engine's read-later list (accepted "read later").
    """

    total: int = 0
    sources: tuple[SourceCount, ...] = ()
    categories: tuple[tuple[ItemKind, str, int], ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    open_kinds: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    read_later: frozenset[int] = frozenset()


def effective_category(item: Item) -> str | None:
    """The user's category, else the model's."""
    return item.user_category or item.category


def under(path: str, root: str) -> bool:
    """Whether an item's source path lies in a source (a file, mailbox or folder)."""
    base = path.split("#", 1)[0]
    return base == root or base.startswith(root.rstrip("/") + "/")


def matches(
    flt: ItemFilter,
    item: Item,
    open_kinds: Mapping[int, tuple[str, ...]],
    *,
    read: bool = False,
    later: frozenset[int] = frozenset(),
) -> bool:
    """Whether ``item`` belongs in the list under ``flt``.

    Args:
        flt: the sources pane's choice.
        item: the item.
        open_kinds: item id -> kinds of its open suggestions.
        read: whether the user opened the item.
        later: items on the read-later list.
    """
    match flt.kind:
        case FilterKind.ALL | FilterKind.SEARCH | FilterKind.READ_NEXT:
            return True
        case FilterKind.UNREAD:
            return not read and item.state != ItemState.ERROR
        case FilterKind.SUGGESTIONS:
            return bool(open_kinds.get(item.id))
        case FilterKind.READ_LATER:
            return item.id in later or SuggestionKind.READ_LATER in open_kinds.get(item.id, ())
        case FilterKind.UNSURE:
            return item.state == ItemState.READY and effective_category(item) is None
        case FilterKind.JUNK:
            return bool(item.is_junk)
        case FilterKind.ERRORS:
            return item.state == ItemState.ERROR
        case FilterKind.SOURCE:
            return under(item.source_path, flt.value)
        case FilterKind.CATEGORY:
            return effective_category(item) == flt.value
    return True


def build_overview(
    items: Iterable[Item],
    suggestions: Iterable[Suggestion],
    sources: Iterable[Mapping[str, Any]],
    categories: Iterable[Category],
    read_later: Iterable[int] = (),
) -> Overview:
    """Count items per source, category and view (runs on the engine thread)."""
    items = list(items)
    later = frozenset(read_later)
    open_kinds: dict[int, tuple[str, ...]] = {}
    for suggestion in suggestions:
        open_kinds[suggestion.item_id] = (
            *open_kinds.get(suggestion.item_id, ()),
            str(suggestion.kind),
        )
    counts = Counter[str]()
    by_category = Counter[tuple[ItemKind, str]]()
    for item in items:
        for kind in (
            FilterKind.SUGGESTIONS,
            FilterKind.READ_LATER,
            FilterKind.UNSURE,
            FilterKind.JUNK,
            FilterKind.ERRORS,
        ):
            if matches(ItemFilter(kind), item, open_kinds, later=later):
                counts[kind] += 1
        category = effective_category(item)
        if category is not None and item.state == ItemState.READY:
            by_category[(item.kind, category)] += 1
    source_counts = []
    for row in sources:
        root = str(row["path"])
        n = sum(1 for item in items if under(item.source_path, root))
        source_counts.append(
            SourceCount(int(row["id"]), str(row["kind"]), root, bool(row.get("paused")), n)
        )
    names = [(c.kind, c.name) for c in categories]
    names += [key for key in by_category if key not in set(names)]
    return Overview(
        total=len(items),
        sources=tuple(source_counts),
        categories=tuple((kind, name, by_category.get((kind, name), 0)) for kind, name in names),
        counts=dict(counts),
        open_kinds=open_kinds,
        read_later=later,
    )
