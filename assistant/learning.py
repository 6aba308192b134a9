"""Feedback and training: every verdict recorded with provenance, and learned from.

* ``label`` / ``reject(correct=...)`` store the user's category; the triage
  memory uses it on the very next prediction, and unlabelled items of the same
  kind are re-predicted at once.
* ``mark_junk`` updates the junk filter's token counts at once.
* ``train`` fits a torch head on the labelled embeddings, measures it on a
  time-ordered held-out slice against the model that serves now, and promotes
  it only if it is at least as accurate (within a stated tolerance).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import UserError
from assistant.store import now
from assistant.triage import Example
from assistant.triage import Triage
from assistant.types import Category
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import TrainReport
from assistant.types import Verdict
from models.head import HeadConfig
from models.head import HeadLoadError
from models.head import load_head
from models.head import train_head

if TYPE_CHECKING:
    from assistant.engine import Sift

log = logging.getLogger(__name__)

TASK = "category"
MIN_EXAMPLES = 6
HELD_OUT_SHARE = 0.25


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
        if not self._maybe_train():
            self.refresh(item.kind, exclude=item_id)
        return self._store.item(item_id)

    def _maybe_train(self) -> bool:
        """Retrain the head after every ``train_min_feedback`` labels; True if it was promoted.

        The memory of labelled items moves the next prediction at once; the
        head, retrained in the background of the user's labelling like
        paperless-ngx's classifier, generalises beyond the nearest examples.
        It still has to pass the held-out gate in ``train``.
        """
        labels = self._store.label_count()
        last = int(self._store.get_meta("labels_at_last_train", "0") or 0)
        if labels - last < self._sift.settings.train_min_feedback:
            return False
        self._store.set_meta("labels_at_last_train", str(labels))
        return self.train().promoted

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
        was = self._store.user_junk(item_id)
        with self._store.atomic():
            if was is not None and was != junk:
                filter_.learn(text, junk=was, headers=item.metadata, unlearn=True)
            if was != junk:
                filter_.learn(text, junk=junk, headers=item.metadata)
            self._store.update_item(item_id, user_junk=int(junk), labelled_at=now())
            self._store.add_feedback(
                item_id=item_id,
                verdict=Verdict.JUNK if junk else Verdict.NOT_JUNK,
                model_version=filter_.version,
                input_hash=item.content_hash,
            )
        self._sift.pipeline.priority.learn()
        self._sift.pipeline.reclassify(self._store.item(item_id))
        return self._store.item(item_id)

    # -- training --------------------------------------------------------------

    def load_active_head(self, triage: Triage) -> None:
        """Serve the promoted head, falling back to none if it is unreadable."""
        active = self._store.active_model(TASK)
        if not active:
            return
        try:
            triage.head = load_head(self._sift.paths.heads / active["path"])
            triage.head_version = active["version"]
        except HeadLoadError as error:
            log.warning("promoted head unusable, serving without it: %s", error)

    def _accuracy(self, triage: Triage, train: list[Example], test: list[Example]) -> float:
        categories = self._store.categories()
        kinds = {c.name: c.kind for c in categories}
        correct = 0
        for example in test:
            prediction = triage.predict(
                example.vector,
                kind=kinds[example.label],
                categories=categories,
                examples=[e for e in train if kinds.get(e.label) == kinds[example.label]],
            )
            best = max(prediction.scores, key=prediction.scores.__getitem__)
            correct += int(best == example.label)
        return correct / len(test)

    def train(self) -> TrainReport:
        sift = self._sift
        triage = sift.triage
        version = sift.embedder.info.version
        kinds = {c.name for c in self._store.categories()}
        examples = [
            Example(item_id, label, vector, title)
            for item_id, label, vector, title in self._store.labelled_embeddings(version)
            if label in kinds
        ]
        serving = triage.head_version or "memory-only"
        if len(examples) < MIN_EXAMPLES or len({e.label for e in examples}) < 2:
            return TrainReport(
                TASK,
                len(examples),
                0,
                None,
                None,
                promoted=False,
                version=serving,
                reason=f"need at least {MIN_EXAMPLES} labelled items in 2 categories "
                f"(have {len(examples)})",
            )
        held = max(2, int(len(examples) * HELD_OUT_SHARE))
        train, test = examples[:-held], examples[-held:]
        if len({e.label for e in train}) < 2:
            train, test = examples, examples[-held:]
        old_head, old_version = triage.head, triage.head_version
        old_accuracy = self._accuracy(triage, train, test)
        config = self._choose_config(train)
        candidate = train_head(
            np.stack([e.vector for e in train]), [e.label for e in train], config=config
        )
        triage.head, triage.head_version = candidate, "candidate"
        new_accuracy = self._accuracy(triage, train, test)
        tolerance = sift.settings.promote_tolerance
        promoted = new_accuracy + tolerance >= old_accuracy
        if not promoted:
            triage.head, triage.head_version = old_head, old_version
            return TrainReport(
                TASK,
                len(train),
                len(test),
                old_accuracy,
                new_accuracy,
                promoted=False,
                version=serving,
                reason=(
                    f"candidate {new_accuracy:.0%} < serving {old_accuracy:.0%} - {tolerance:.0%}"
                ),
            )
        final = train_head(
            np.stack([e.vector for e in examples]), [e.label for e in examples], config=config
        )
        # Calibration (word weight, temperature, per-category thresholds) is
        # fitted with the candidate on the held-out slice and travels with the head.
        final.calibration = triage.calibrate(
            self._store.categories(),
            train,
            test,
            {e.item_id: sift.pipeline.item_tokens(e.item_id) for e in examples},
        ).as_json()
        number = len(self._store.model_versions(TASK)) + 1
        new_version = f"head-v{number}"
        filename = f"{TASK}-{new_version}.pt"
        final.save(sift.paths.heads / filename)
        self._store.add_model_version(
            task=TASK,
            version=new_version,
            path=filename,
            metrics={
                "held_out": len(test),
                "trained_on": len(examples),
                "old_accuracy": old_accuracy,
                "new_accuracy": new_accuracy,
                "hidden": config.hidden,
                "weight_decay": config.weight_decay,
            },
            active=True,
        )
        triage.head, triage.head_version = final, new_version
        for kind in (ItemKind.MAIL, ItemKind.DOCUMENT):
            self.refresh(kind)
        return TrainReport(
            TASK,
            len(examples),
            len(test),
            old_accuracy,
            new_accuracy,
            promoted=True,
            version=new_version,
            reason=f"candidate {new_accuracy:.0%} >= serving {old_accuracy:.0%} - {tolerance:.0%}",
        )

    def _choose_config(self, train: list[Example]) -> HeadConfig:
        """Pick regularisation by leave-fold-out accuracy on the training part."""
        candidates = [HeadConfig(weight_decay=wd) for wd in (1e-4, 1e-3, 1e-2)]
        if len(train) < 12:
            return candidates[1]
        vectors = np.stack([e.vector for e in train])
        labels = [e.label for e in train]
        folds = 3
        best, best_score = candidates[1], -1.0
        for config in candidates:
            correct = 0
            for fold in range(folds):
                test_idx = [i for i in range(len(train)) if i % folds == fold]
                train_idx = [i for i in range(len(train)) if i % folds != fold]
                if len({labels[i] for i in train_idx}) < 2:
                    continue
                head = train_head(vectors[train_idx], [labels[i] for i in train_idx], config=config)
                probs = head.predict_proba(vectors[test_idx])
                for row, i in zip(probs, test_idx, strict=True):
                    correct += int(head.classes[int(np.argmax(row))] == labels[i])
            if correct > best_score:
                best, best_score = config, correct
        return best
