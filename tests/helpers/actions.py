"""Offer a chosen suggestion for an item, so an action test does not depend on the classifier."""

from __future__ import annotations

from assistant import Sift
from assistant.suggest import Draft
from assistant.types import SuggestionKind


def offer(
    sift: Sift, item_id: int, kind: SuggestionKind, payload: dict[str, str] | None = None
) -> int:
    """Replace an item's open suggestions by one of ``kind``; returns its id."""
    sift.store.replace_suggestions(
        item_id, [Draft(kind, f"test: {kind}", 0.9, payload or {}).row("test-model")]
    )
    return next(s.id for s in sift.suggestions(item_id) if s.kind == kind)
