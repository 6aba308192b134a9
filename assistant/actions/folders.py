"""Where to file an item, learned from where the user's similar items went.

SaneBox learns only from folder moves; here every file-into the user accepted
(or corrected by choosing another folder) is a labelled example: the item's
embedding and the folder it went to. A new item goes where its nearest filed
neighbour went when that neighbour is close; else where most filed items of
its category went; else the suggestion rule's folder (``suggest.FOLDERS``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.store import Store
from assistant.store_actions import ActionStore
from assistant.store_actions import Filed
from assistant.types import Item
from assistant.types import SuggestionKind
from assistant.types import SuggestionState

if TYPE_CHECKING:
    from assistant.actions.base import Context
    from assistant.suggest import Draft

NEAREST_MIN_SIMILARITY = 0.85  # cosine; below this a neighbour is not "similar"
MAJORITY_MIN = 2  # filed items of one category needed before their majority counts


def choose_folder(
    store: Store, item: Item, version: str, filed: list[Filed] | None = None
) -> tuple[str, str] | None:
    """``(folder, why)`` learned from past filings, or ``None`` when there is nothing to go on.

    Args:
        store: the database.
        item: the item to file.
        version: the embedder version whose vectors to compare.
        filed: the filings in force (``ActionStore.filed``), when the caller
            has them already (one load for many items).
    """
    if filed is None:
        filed = ActionStore(store).filed(version)
    filed = [f for f in filed if f.item_id != item.id]
    if not filed:
        return None
    vector = store.embedding(item.id, version)
    near = [f for f in filed if f.vector is not None and f.kind == item.kind]
    if vector is not None and near:
        matrix = np.stack([f.vector for f in near if f.vector is not None])
        norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(vector))
        similarity = (matrix @ vector) / np.where(norms == 0, 1.0, norms)
        best = int(np.argmax(similarity))
        if similarity[best] >= NEAREST_MIN_SIMILARITY:
            return near[best].folder, f"a similar item went there ({similarity[best]:.0%} alike)"
    if item.category:
        votes = Counter(
            f.folder for f in filed if f.category == item.category and f.kind == item.kind
        )
        if votes:
            folder, count = votes.most_common(1)[0]
            if count >= MAJORITY_MIN and count * 2 > sum(votes.values()):
                return folder, f"{count} {item.category} items went there"
    return None


def refresh_open_suggestions(context: Context) -> int:
    """Point open file-into suggestions at the folders learned so far; returns how many moved.

    Run after each filing (and its undo), so the next item's suggestion
    reflects where the user just put a similar one.
    """
    store = context.store
    version = context.sift.embedder.info.version
    changed = 0
    filed: list[Filed] | None = None
    for suggestion in store.suggestions(state=SuggestionState.OPEN):
        if suggestion.kind != SuggestionKind.FILE_INTO:
            continue
        if filed is None:  # every filing with its vector, loaded once for all suggestions
            filed = context.actions.filed(version)
        learned = choose_folder(store, store.item(suggestion.item_id), version, filed)
        if learned is None or learned[0] == suggestion.payload.get("folder"):
            continue
        folder, why = learned
        context.actions.update_suggestion(
            suggestion.id,
            payload={**suggestion.payload, "folder": folder},
            reason=f"File it under {folder}: {why}",
        )
        changed += 1
    return changed


def with_learned_folders(
    store: Store, item: Item, drafts: list[Draft], version: str
) -> list[Draft]:
    """Drafts whose file-into folder is replaced by the learned one, with the reason why."""
    if not any(d.kind == SuggestionKind.FILE_INTO for d in drafts):
        return drafts
    learned = choose_folder(store, item, version)
    if learned is None:
        return drafts
    folder, why = learned
    out = []
    for draft in drafts:
        if draft.kind == SuggestionKind.FILE_INTO and draft.payload.get("folder") != folder:
            draft = replace(
                draft,
                reason=f"File it under {folder}: {why}",
                payload={**draft.payload, "folder": folder},
            )
        out.append(draft)
    return out
