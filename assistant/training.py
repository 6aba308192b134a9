"""One training round of the category head, its promotion gate, versions and rollback.

The round (run in-process by ``Sift.train`` or in the low-priority trainer
subprocess, ``python -m assistant.trainer``):

1. Examples are the items the user labelled (confirmed feedback only), in
   labelling order. The newest ``HELD_OUT_SHARE`` of them is the held-out
   slice, so the candidate is judged on what the user did *after* the data it
   learned from, as it will be used.
2. The head's shape and regularisation (linear or one hidden layer, three
   weight decays) are chosen by 3-fold cross-validation on the training part.
3. **Gate.** Serving model and candidate classify the held-out slice through
   the whole triage (zero-shot + memory of the training part + head). The
   candidate is promoted when ``new >= old - promote_tolerance`` (accuracy,
   absolute; default 0.02 = 2 points): it must improve or hold within the
   tolerance. Otherwise it is rejected and the round is still recorded, with
   the numbers, so ``sift models list`` shows why.
   The serving head was refitted on all labels of its round, so the held-out
   slice is cut from labels given *after* its training cut-off (``holdout``):
   the newest share of them, or all of them when fewer. When fewer than
   ``MIN_FRESH`` such labels exist (a manual ``sift train`` right after a
   round) the plain time-ordered split is used and the reason says how many
   held-out items the serving head saw: that gate errs toward what serves.
4. A promoted candidate is retrained on all examples with the chosen
   configuration and published atomically as ``models/category/head-vN/``
   (``models.publish``); only then is its row written and made active.

A version is loaded only if it was trained on the embedder that serves now,
and an unreadable or incompatible artefact falls back to the version that
served before it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING
from typing import TypeVar

import numpy as np

from assistant.errors import UserError
from assistant.store_models import ModelStore
from assistant.triage import Example
from assistant.triage import Triage
from assistant.types import Decision
from assistant.types import ItemKind
from assistant.types import ModelVersion
from assistant.types import TrainReport
from models.head import Head
from models.head import HeadConfig
from models.head import HeadLoadError
from models.head import load_head
from models.head import train_head
from models.publish import publish_dir

if TYPE_CHECKING:
    from assistant.engine import Sift

log = logging.getLogger(__name__)

TASK = "category"
MIN_EXAMPLES = 6
HELD_OUT_SHARE = 0.25
MIN_FRESH = 3  # labels newer than the serving head needed for a gate it has not seen
HEAD_FILE = "head.pt"
FOLDS = 3
# Candidates for cross-validation: linear (multinomial logistic regression)
# or one hidden layer, each at three L2 strengths.
CONFIGS = tuple(HeadConfig(hidden=h, weight_decay=wd) for h in (0, 64) for wd in (1e-4, 1e-3, 1e-2))
DEFAULT_CONFIG = HeadConfig()
T = TypeVar("T")


def split(
    examples: Sequence[T], *, label_of: Callable[[T], str] = attrgetter("label")
) -> tuple[list[T], list[T]]:
    """Time-ordered split: the newest ``HELD_OUT_SHARE`` (at least 2) is held out."""
    held = max(2, int(len(examples) * HELD_OUT_SHARE))
    train, test = list(examples[:-held]), list(examples[-held:])
    if len({label_of(e) for e in train}) < 2:
        # Too few early categories to train on: train on everything and accept
        # that this (tiny) gate is optimistic; the reason string says so.
        train = list(examples)
    return train, test


def holdout(
    examples: Sequence[Example], label_times: dict[int, str], cutoff: str | None
) -> tuple[list[Example], list[Example], int]:
    """The held-out slice for a gate against a head trained on labels up to ``cutoff``.

    Args:
        examples: labelled items in labelling order.
        label_times: item id -> when it was labelled (ISO 8601, sortable).
        cutoff: the serving head's training cut-off (None: no head serves).

    Returns:
        ``(train, held_out, seen)``: ``seen`` counts held-out items the
        serving head was trained on (0 unless the fallback split was used).
    """
    train, test = split(examples)
    if cutoff is None:
        return train, test, 0
    fresh = [e for e in examples if label_times.get(e.item_id, "") > cutoff]
    if len(fresh) < MIN_FRESH:
        seen = sum(label_times.get(e.item_id, "") <= cutoff for e in test)
        return train, test, seen
    held = {e.item_id for e in fresh[-min(len(test), len(fresh)) :]}
    train = [e for e in examples if e.item_id not in held]
    test = [e for e in examples if e.item_id in held]
    if len({e.label for e in train}) < 2:
        train = list(examples)
    return train, test, 0


def cutoff_of(version: ModelVersion | None) -> str | None:
    """The newest label time a version was trained on (its round's end for old rows)."""
    if version is None:
        return None
    return str(version.metrics.get("cutoff") or version.created_at)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-averaged F1 over the gold classes."""
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores)) if scores else 0.0


def choose_config(train: Sequence[Example]) -> tuple[HeadConfig, dict[str, float]]:
    """Pick the head's shape and weight decay by 3-fold cross-validated accuracy.

    Returns:
        The winner and the cross-validated accuracy of every candidate.
    """
    if len(train) < 4 * FOLDS:
        return DEFAULT_CONFIG, {}
    vectors = np.stack([e.vector for e in train])
    labels = [e.label for e in train]
    scores: dict[str, float] = {}
    best, best_score = DEFAULT_CONFIG, -1.0
    for config in CONFIGS:
        correct = total = 0
        for fold in range(FOLDS):
            test_idx = [i for i in range(len(train)) if i % FOLDS == fold]
            train_idx = [i for i in range(len(train)) if i % FOLDS != fold]
            if len({labels[i] for i in train_idx}) < 2:
                continue
            head = train_head(vectors[train_idx], [labels[i] for i in train_idx], config=config)
            predicted = np.argmax(head.predict_proba(vectors[test_idx]), axis=1)
            correct += sum(
                head.classes[int(p)] == labels[i] for p, i in zip(predicted, test_idx, strict=True)
            )
            total += len(test_idx)
        score = correct / total if total else 0.0
        scores[f"h{config.hidden}-wd{config.weight_decay:g}"] = score
        if score > best_score:  # ties keep the earlier, simpler configuration
            best, best_score = config, score
    return best, scores


class HeadTraining:
    """Train, gate, publish, load and roll back category heads for one ``Sift``."""

    def __init__(self, sift: Sift) -> None:
        self._sift = sift
        self._store = sift.store
        self.versions = ModelStore(sift.store)

    # -- serving ---------------------------------------------------------------

    def load_active(self, triage: Triage) -> ModelVersion | None:
        """Serve the active head, or the newest older one that loads; returns what serves."""
        embedder = self._sift.embedder.info.version
        triage.head, triage.head_version = None, None
        for version in self.versions.servable(TASK):
            if version.embedder and version.embedder != embedder:
                log.info(
                    "%s was trained on %s, not %s: skipped",
                    version.version,
                    version.embedder,
                    embedder,
                )
                continue
            try:
                head = self._load(version)
            except HeadLoadError as error:
                log.warning("head %s unusable, trying the one before: %s", version.version, error)
                continue
            triage.head, triage.head_version = head, version.version
            return version
        return None

    def _load(self, version: ModelVersion) -> Head:
        assert version.path is not None  # servable() only lists versions with one
        path = self._sift.paths.heads / version.path
        # Before m008 a version was a bare file; since, a folder holding head.pt.
        return load_head(path / HEAD_FILE if path.is_dir() or not path.suffix else path)

    def rollback(self, version: str | None = None) -> ModelVersion:
        """Serve an earlier promoted version (default: the one promoted before the active one)."""
        if version is None:
            promoted = [v for v in self.versions.versions(TASK) if v.decision == Decision.PROMOTED]
            active = next((i for i, v in enumerate(promoted) if v.active), None)
            if active is None or active == 0:
                raise UserError(f"no earlier promoted {TASK} version to roll back to")
            version = promoted[active - 1].version
        target = self.versions.get(TASK, version)
        if target.active:
            raise UserError(f"{TASK} {version} serves already")
        embedder = self._sift.embedder.info.version
        if target.embedder and target.embedder != embedder:
            raise UserError(f"{TASK} {version} was trained on {target.embedder}, not {embedder}")
        try:
            self._load(target)
        except HeadLoadError as error:
            raise UserError(f"{TASK} {version} cannot be loaded: {error}") from error
        return self.versions.activate(TASK, version)

    # -- a round ---------------------------------------------------------------

    def examples(self) -> list[Example]:
        """Labelled items of existing categories, in labelling order."""
        names = {c.name for c in self._store.categories()}
        version = self._sift.embedder.info.version
        return [
            Example(item_id, label, vector, title)
            for item_id, label, vector, title in self._store.labelled_embeddings(version)
            if label in names
        ]

    def accuracy(
        self, triage: Triage, train: Sequence[Example], test: Sequence[Example]
    ) -> tuple[float, float]:
        """Held-out accuracy and macro-F1 of the full triage with ``train`` as its memory."""
        categories = self._store.categories()
        kinds = {c.name: c.kind for c in categories}
        by_kind = {
            kind: [e for e in train if kinds.get(e.label) == kind]
            for kind in (ItemKind.MAIL, ItemKind.DOCUMENT)
        }
        predicted = []
        for example in test:
            kind = kinds[example.label]
            prediction = triage.predict(
                example.vector, kind=kind, categories=categories, examples=by_kind[kind]
            )
            predicted.append(max(prediction.scores, key=prediction.scores.__getitem__))
        gold = [e.label for e in test]
        correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
        return correct / len(test), macro_f1(gold, predicted)

    def train(
        self,
        *,
        examples: Sequence[Example] | None = None,
        held_out: Sequence[Example] | None = None,
    ) -> TrainReport:
        """One round: CV, gate, publish or reject, record.

        Args:
            examples: train on these instead of the store's labelled items
                (the benchmark offers a degraded set this way).
            held_out: judge on these (default: the time-ordered split).
        """
        started = time.perf_counter()
        sift = self._sift
        triage = sift.triage
        serving = triage.head_version or "memory-only"
        feedback_id = self.versions.newest_feedback_id()
        if examples is None:
            examples = self.examples()
        label_times = self.versions.label_times()
        if held_out is None:
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
            serving_row = (
                self.versions.get(TASK, triage.head_version) if triage.head_version else None
            )
            train, test, seen = holdout(examples, label_times, cutoff_of(serving_row))
        else:
            train, test, seen = list(examples), list(held_out), 0
        old_head, old_version = triage.head, triage.head_version
        old_accuracy, old_f1 = self.accuracy(triage, train, test)
        config, cv_scores = choose_config(train)
        candidate = train_head(
            np.stack([e.vector for e in train]), [e.label for e in train], config=config
        )
        triage.head, triage.head_version = candidate, "candidate"
        try:
            new_accuracy, new_f1 = self.accuracy(triage, train, test)
        finally:
            triage.head, triage.head_version = old_head, old_version
        tolerance = sift.settings.promote_tolerance
        promoted = new_accuracy >= old_accuracy - tolerance
        number = self.versions.next_number(TASK)
        version = f"head-v{number}"
        overlap = (
            " (train and held-out overlap: too few early categories)"
            if len(train) == len(examples) and held_out is None
            else ""
        )
        if seen:
            overlap += (
                f" ({seen} of the held-out items were labelled before {serving} was trained:"
                f" fewer than {MIN_FRESH} new labels since it)"
            )
        reason = (
            f"{'promoted' if promoted else 'rejected'}: held-out accuracy "
            f"{new_accuracy:.1%} vs serving {serving} {old_accuracy:.1%} on {len(test)} items; "
            f"{'within' if promoted else 'below'} the gate (new >= old - {tolerance:.1%})"
            f"{overlap}"
        )
        metrics = {
            "trained_on": len(train),
            "held_out": len(test),
            "old_accuracy": old_accuracy,
            "new_accuracy": new_accuracy,
            "old_macro_f1": old_f1,
            "new_macro_f1": new_f1,
            "hidden": config.hidden,
            "weight_decay": config.weight_decay,
            "tolerance": tolerance,
            "replaced": serving,
            "held_out_seen": seen,
            # The newest label this version learned from: the next round holds
            # out only labels after it (``holdout``).
            "cutoff": max((label_times.get(e.item_id, "") for e in train), default=""),
            **{f"cv_{name}": score for name, score in cv_scores.items()},
        }
        path = None
        if promoted:
            every = list(train) if held_out is not None else list(examples)
            if held_out is not None:
                every += list(held_out)
            final = train_head(
                np.stack([e.vector for e in every]), [e.label for e in every], config=config
            )
            # Calibration (word weight, temperature, per-category thresholds) is
            # fitted with the candidate on the held-out slice and travels with the head.
            triage.head, triage.head_version = candidate, "candidate"
            try:
                final.calibration = triage.calibrate(
                    sift.store.categories(),
                    train,
                    test,
                    {e.item_id: sift.pipeline.item_tokens(e.item_id) for e in every},
                ).as_json()
            finally:
                triage.head, triage.head_version = old_head, old_version
            path = f"{TASK}/{version}"
            publish_dir(sift.paths.heads / path, lambda folder: final.save(folder / HEAD_FILE))
            metrics["trained_on"] = len(every)
            metrics["cutoff"] = max((label_times.get(e.item_id, "") for e in every), default="")
        metrics["seconds"] = round(time.perf_counter() - started, 3)
        self.versions.record(
            task=TASK,
            version=version,
            decision=Decision.PROMOTED if promoted else Decision.REJECTED,
            reason=reason,
            path=path,
            embedder=sift.embedder.info.version,
            feedback_id=feedback_id,
            metrics=metrics,
        )
        if promoted:
            triage.head, triage.head_version = final, version
        return TrainReport(
            TASK,
            int(metrics["trained_on"]),
            len(test),
            old_accuracy,
            new_accuracy,
            promoted=promoted,
            version=version if promoted else serving,
            reason=reason,
        )
