"""Feedback and training: every verdict recorded with provenance, and learned from.

* ``label`` / ``reject(correct=...)`` store the user's category; the triage
  memory uses it on the very next prediction, and unlabelled items of the same
  kind are re-predicted at once.
* ``mark_junk`` updates the junk filter's token counts at once; every
  ``junk_versions.SNAPSHOT_EVERY`` verdicts (and every round) a gated
  snapshot is taken, which ``sift models rollback --kind junk`` restores.
* ``train`` runs one round of ``assistant.training``: a torch head fitted on
  the labelled embeddings, measured on a time-ordered held-out slice against
  the model that serves now, promoted only if it is at least as accurate
  (within a stated tolerance). ``assistant.trainer`` decides when, and runs
  rounds in a low-priority subprocess.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.junk_versions import JunkVersions
from assistant.store import now
from assistant.store_snapshots import SnapshotStore
from assistant.training import HeadTraining
from assistant.types import Category
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import TrainReport
from assistant.types import Verdict

if TYPE_CHECKING:
    from assistant.engine import Sift

log = logging.getLogger(__name__)


class Learner:
    """Feedback recording and training for one ``Sift``."""

    def __init__(self, sift: Sift) -> None:
        self._sift = sift
        self._store = sift.store

    # -- explicit verdicts ---------------------------------------------------

    def accept(self, suggestion_id: int) -> Suggestion:
        suggestion = self._store.suggestion(suggestion_id)
        if suggestion.state != SuggestionState.OPEN:
            raise UserError(f"suggestion {suggestion_id} was {suggestion.state} already")
        item = self._store.item(suggestion.item_id)
        with self._store.atomic():
            self._store.decide_suggestion(suggestion_id, SuggestionState.ACCEPTED)
            self._store.add_feedback(
                item_id=item.id,
                suggestion_id=suggestion_id,
                verdict=Verdict.ACCEPT,
                model_version=suggestion.model_version,
                input_hash=item.content_hash,
            )
        if suggestion.kind == SuggestionKind.MARK_JUNK:
            self.mark_junk(item.id, junk=True)
        self._sift.pipeline.priority.learn()
        return self._store.suggestion(suggestion_id)

    def reject(self, suggestion_id: int, *, correct: str | None = None) -> Suggestion:
        suggestion = self._store.suggestion(suggestion_id)
        if suggestion.state != SuggestionState.OPEN:
            raise UserError(f"suggestion {suggestion_id} was {suggestion.state} already")
        item = self._store.item(suggestion.item_id)
        with self._store.atomic():
            self._store.decide_suggestion(suggestion_id, SuggestionState.REJECTED)
            self._store.add_feedback(
                item_id=item.id,
                suggestion_id=suggestion_id,
                verdict=Verdict.REJECT,
                correction=correct,
                model_version=suggestion.model_version,
                input_hash=item.content_hash,
            )
        if suggestion.kind == SuggestionKind.MARK_JUNK and correct is None:
            self.mark_junk(item.id, junk=False)
        if correct:
            self.label(item.id, correct)
        self._sift.pipeline.priority.learn()
        return self._store.suggestion(suggestion_id)

    def label(self, item_id: int, category: str) -> Item:
        item = self._store.item(item_id)
        name = category.strip()
        if not name:
            raise UserError("a category needs a name")
        known = {c.name: c for c in self._store.categories()}
        if name not in known:
            self._store.upsert_category(Category(name, name.replace("-", " "), item.kind))
        elif known[name].kind != item.kind:
            raise UserError(
                f"{name!r} is a {known[name].kind} category; item {item_id} is {item.kind}"
            )
        with self._store.atomic():
            self._store.update_item(item_id, user_category=name, labelled_at=now())
            self._store.add_feedback(
                item_id=item_id,
                verdict=Verdict.LABEL,
                correction=name,
                model_version=self._sift.triage.version,
                input_hash=item.content_hash,
            )
        self._sift.pipeline.priority.learn()
        self._sift.pipeline.reclassify(self._store.item(item_id))
        report = self._sift.maybe_train()
        if report is None or not report.promoted:  # a promotion refreshed everything
            self.refresh(item.kind, exclude=item_id)
        return self._store.item(item_id)

    def refresh(self, kind: ItemKind, *, exclude: int | None = None) -> None:
        """Re-predict unlabelled items of one kind after the memory changed."""
        pipeline = self._sift.pipeline
        memory = pipeline.memory(kind)
        for item in self._store.items(state=ItemState.READY):
            if item.kind == kind and item.user_category is None and item.id != exclude:
                pipeline.reclassify(item, memory)

    def mark_junk(self, item_id: int, *, junk: bool) -> Item:
        item = self._store.item(item_id)
        text = f"{item.title}\n{item.text}"
        filter_ = self._sift.junk
        snapshots = SnapshotStore(self._store)
        # What the filter counted for this item, which after a junk rollback
        # may differ from the verdict kept on the item.
        was = snapshots.learned(item_id)
        with self._store.atomic():
            if was is not None and was != junk:
                filter_.learn(text, junk=was, headers=item.metadata, unlearn=True)
            if was != junk:
                filter_.learn(text, junk=junk, headers=item.metadata)
            snapshots.set_learned(item_id, junk=junk)
            self._store.update_item(item_id, user_junk=int(junk), labelled_at=now())
            self._store.add_feedback(
                item_id=item_id,
                verdict=Verdict.JUNK if junk else Verdict.NOT_JUNK,
                model_version=filter_.version,
                input_hash=item.content_hash,
            )
        self._sift.pipeline.priority.learn()
        self._sift.pipeline.reclassify(self._store.item(item_id))
        versions = JunkVersions(self._sift)
        if versions.due():
            log.info("junk snapshot round: %s", versions.train().reason)
        return self._store.item(item_id)

    # -- training --------------------------------------------------------------

    def train(self, *, refresh: bool = True) -> TrainReport:
        """One training round of the category head (see ``assistant.training``).

        Args:
            refresh: re-predict unlabelled items when a new head is promoted
                (the trainer subprocess leaves that to the engine's reload).
        """
        report = HeadTraining(self._sift).train()
        # The junk filter learns verdict by verdict; a round snapshots it (gated).
        log.info("junk snapshot round: %s", JunkVersions(self._sift).train().reason)
        if report.promoted and refresh:
            for kind in (ItemKind.MAIL, ItemKind.DOCUMENT):
                self.refresh(kind)
        return report
