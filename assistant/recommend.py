"""Recommendations: what to read next, and what is related to an item.

"Read next" ranks the live unread items by a small logistic model over five
explainable features, refitted on every call from the feedback and signal
tables (a few hundred rows; milliseconds):

* ``category``: how much more often than usual the user engaged with items of
  the item's category (smoothed rate minus the overall rate);
* ``sender``: the same for the sender's address;
* ``content``: a ridge-regression probe on the stored embeddings, engaged
  against passed over, minus the overall rate (a user's interests are
  several topics; a linear probe weighs every direction of them, where one
  "interest centroid" would sit between topics and near neither);
* ``priority``: the triage priority (``Item.priority``, used as is);
* ``recency``: ``exp(-age / 7 days)``, the age measured from the newest item.

Engagement labels come from the same store the classifiers learn from: an
open, a dwell of 10 s or more, a used or edited draft and an accepted action
that keeps the item (reply, follow-up, event, bill, file, read later) count
for it; a skip, a bounce (dwell under 3 s), junk, and an accepted archive or
junk action count against it. The weights are pulled toward hand-set priors,
so a new user gets a sensible order (priority, then recency) before any
signal, and the learned weights take over as evidence grows. The features of
the items the model is fitted on never see their own label: affinities leave
the item out, and the probe gives out-of-fold predictions.

Candidates are unseen live items: neither read nor passed over, and not
junk, gone, archived, moved, near duplicates or attachments.

"Related" is nearest neighbours by the stored embeddings (no model call).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

import numpy as np

from assistant.errors import UserError
from assistant.messages import say
from assistant.store import parse_time
from assistant.store_signals import LeanItem
from assistant.store_signals import SignalStore
from assistant.store_signals import without_undone
from assistant.types import Item
from assistant.types import SignalKind
from assistant.types import SuggestionKind
from assistant.types import Verdict

FEATURES = ("category", "sender", "content", "priority", "recency")
PRIOR_WEIGHTS = np.array([2.0, 2.0, 3.0, 2.0, 1.0])
PRIOR_BIAS = -1.0
RIDGE = 1.0  # pull of the priors, in examples' worth of log-loss
MIN_EXAMPLES = 8  # below this (or with one class only) the priors serve as they are
SMOOTHING = 2.0  # pseudo-decisions at the overall rate for each category / sender
DWELL_ENGAGED = 10.0  # seconds
DWELL_BOUNCE = 3.0
RECENCY_DAYS = 7.0
POOL = 2000  # newest live unread items considered
REASON_MIN = 0.2  # a feature's contribution (log-odds) worth naming
MAX_PROBE = 5000  # the most recent labelled items train the content probe
FOLDS = 5
PROBE_RIDGE = 1.0  # times the mean variance per dimension (insensitive from 0.01 to 3)

ENGAGING = frozenset(
    {
        SuggestionKind.REPLY_DRAFT,
        SuggestionKind.FOLLOW_UP,
        SuggestionKind.CALENDAR_EVENT,
        SuggestionKind.RECORD_BILL,
        SuggestionKind.READ_LATER,
        SuggestionKind.FILE_INTO,
    }
)
DISMISSIVE = frozenset(
    {SuggestionKind.ARCHIVE, SuggestionKind.MARK_JUNK, SuggestionKind.UNSUBSCRIBE}
)
_SIGNAL_WEIGHT = {
    SignalKind.OPENED: 1.0,
    SignalKind.DRAFT_USED: 2.0,
    SignalKind.DRAFT_EDITED: 2.0,
    SignalKind.SKIPPED: -1.0,
}


def engagement(
    signal_totals: Iterable[dict[str, object]], verdicts: Iterable[dict[str, object]]
) -> dict[int, int]:
    """``item_id -> 1`` (engaged) or ``0`` (passed over) for items with net evidence."""
    evidence: dict[int, float] = defaultdict(float)
    for row in signal_totals:
        item_id, kind = int(row["item_id"]), SignalKind(str(row["kind"]))  # type: ignore[call-overload]
        if kind == SignalKind.DWELL:
            top = float(row["top"])  # type: ignore[arg-type]
            evidence[item_id] += 1.0 if top >= DWELL_ENGAGED else -1.0 if top < DWELL_BOUNCE else 0
        else:
            evidence[item_id] += _SIGNAL_WEIGHT.get(kind, 0.0)
    for row in without_undone(verdicts):  # an undone accept is no evidence either way
        item_id, verdict = int(row["item_id"]), Verdict(str(row["verdict"]))  # type: ignore[call-overload]
        action = SuggestionKind(str(row["action"])) if row.get("action") else None
        if verdict == Verdict.JUNK or (verdict == Verdict.ACCEPT and action in DISMISSIVE):
            evidence[item_id] -= 2.0
        elif verdict == Verdict.ACCEPT and action in ENGAGING:
            evidence[item_id] += 2.0
        elif verdict == Verdict.REJECT and action in DISMISSIVE:
            evidence[item_id] += 1.0  # "don't archive this": the user wants it
    return {item_id: int(value > 0) for item_id, value in evidence.items() if value != 0}


class Affinity:
    """Smoothed engagement rate per key (category or sender), relative to the overall rate."""

    def __init__(self, pairs: Iterable[tuple[str, int]], base: float) -> None:
        self.base = base
        self.shown: dict[str, int] = defaultdict(int)
        self.engaged: dict[str, int] = defaultdict(int)
        for key, label in pairs:
            if key:
                self.shown[key] += 1
                self.engaged[key] += label

    def value(self, key: str, *, leave_out: int | None = None) -> float:
        """The affinity of ``key``; ``leave_out``: that item's own label, taken out."""
        if not key:
            return 0.0
        shown, engaged = self.shown.get(key, 0), self.engaged.get(key, 0)
        if leave_out is not None:
            shown, engaged = shown - 1, engaged - leave_out
        return (engaged + SMOOTHING * self.base) / (shown + SMOOTHING) - self.base


class Probe:
    """A ridge-regression probe on embeddings: engaged (1) against passed over (0).

    Fitted in closed form on the labelled items' unit vectors (centred). Each
    labelled item also gets an out-of-fold prediction (``FOLDS``-fold), used
    when the ranker is fitted, so no item's label leaks into its own feature.
    """

    def __init__(self, vectors: dict[int, np.ndarray], labels: dict[int, int], base: float) -> None:
        ids = sorted((i for i in labels if i in vectors), reverse=True)[:MAX_PROBE]
        self.base = base
        self.weights: np.ndarray | None = None
        self.out_of_fold: dict[int, float] = {}
        y = np.array([labels[i] for i in ids], dtype=np.float64)
        if len(ids) < MIN_EXAMPLES or y.min() == y.max():
            return
        x = np.stack([vectors[i] for i in ids])
        self.weights, self.mean, self.offset = self._fit(x, y)
        folds = np.arange(len(ids)) % FOLDS
        for fold in range(FOLDS):
            train, test = folds != fold, folds == fold
            if y[train].min() == y[train].max():
                continue
            weights, mean, offset = self._fit(x[train], y[train])
            for item_id, value in zip(
                np.array(ids)[test], (x[test] - mean) @ weights + offset, strict=True
            ):
                self.out_of_fold[int(item_id)] = float(value) - base

    @staticmethod
    def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        mean = x.mean(axis=0)
        centred = x - mean
        gram = centred.T @ centred
        ridge = PROBE_RIDGE * float(np.trace(gram)) / gram.shape[0] + 1e-9
        weights = np.linalg.solve(gram + ridge * np.eye(gram.shape[0]), centred.T @ (y - y.mean()))
        return weights, mean, float(y.mean())

    def values(
        self, ids: Sequence[int], vectors: dict[int, np.ndarray], *, leave_out: bool
    ) -> np.ndarray:
        """Each id's predicted engagement minus the overall rate (0 without a vector)."""
        out = np.zeros(len(ids))
        if self.weights is None:
            return out
        for k, item_id in enumerate(ids):
            if leave_out and item_id in self.out_of_fold:
                out[k] = self.out_of_fold[item_id]
            elif item_id in vectors:
                out[k] = (
                    float((vectors[item_id] - self.mean) @ self.weights) + self.offset - self.base
                )
        return np.clip(out, -1.0, 1.0)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def fit_logistic(features: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton steps, L2-pulled toward the prior weights."""
    x = np.hstack([np.ones((features.shape[0], 1)), features])
    prior = np.concatenate([[PRIOR_BIAS], PRIOR_WEIGHTS])
    theta = prior.copy()
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        gradient = x.T @ (p - labels) + 2 * RIDGE * (theta - prior)
        hessian = (x.T * (p * (1 - p))) @ x + 2 * RIDGE * np.eye(len(theta))
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return theta[1:], float(theta[0])


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranked candidate with its reason."""

    item_id: int
    score: float
    reason: str


class Ranker:
    """The read-next model, fitted from the store on construction."""

    def __init__(self, signals: SignalStore) -> None:
        self._signals = signals
        self.labels = engagement(signals.signal_totals(), signals.verdicts())
        labelled = signals.lean_items(list(self.labels))
        self._labelled = {item.id: item for item in labelled}
        base = sum(self.labels.values()) / len(self.labels) if self.labels else 0.5
        self.base = base
        self.categories = Affinity(((i.category or "", self.labels[i.id]) for i in labelled), base)
        self.senders = Affinity(((i.sender, self.labels[i.id]) for i in labelled), base)
        self.version = signals.embedding_version()
        self.pool = signals.candidates(limit=POOL)
        self._vectors: dict[int, np.ndarray] = {}
        self._load_vectors([*self._labelled, *(i.id for i in self.pool)])
        self.probe = Probe(self._vectors, self.labels, base)
        newest = parse_time(signals.newest_date() or "")
        self.now = newest or datetime.now(UTC)
        self.weights, self.bias = PRIOR_WEIGHTS.copy(), PRIOR_BIAS
        self.fitted_on = 0
        ids = list(self._labelled)
        y = np.array([self.labels[i] for i in ids], dtype=np.float64)
        if len(ids) >= MIN_EXAMPLES and 0 < y.sum() < len(y):
            x = self.features([self._labelled[i] for i in ids], leave_out=True)
            self.weights, self.bias = fit_logistic(x, y)
            self.fitted_on = len(ids)

    def _load_vectors(self, ids: Iterable[int]) -> None:
        wanted = [i for i in ids if i not in self._vectors]
        if self.version is None or not wanted:
            return
        found, matrix = self._signals.vectors(self.version, wanted)
        if found:
            self._vectors.update(zip(found, _unit(matrix.astype(np.float64)), strict=True))

    def features(self, items: Sequence[LeanItem], *, leave_out: bool = False) -> np.ndarray:
        """The feature matrix of some items (``leave_out``: each minus its own label)."""
        content = self.probe.values([i.id for i in items], self._vectors, leave_out=leave_out)
        rows = []
        for item, vote in zip(items, content, strict=True):
            own = self.labels.get(item.id) if leave_out else None
            moment = parse_time(item.date)
            age_days = max(0.0, (self.now - moment).total_seconds() / 86400) if moment else 365.0
            rows.append(
                [
                    self.categories.value(item.category or "", leave_out=own),
                    self.senders.value(item.sender, leave_out=own),
                    vote,
                    item.priority - 0.4,
                    math.exp(-age_days / RECENCY_DAYS),
                ]
            )
        return np.array(rows, dtype=np.float64).reshape(len(items), len(FEATURES))

    def rank(self, items: Sequence[LeanItem], limit: int) -> list[Ranked]:
        """The ``limit`` best of ``items``, best first, each with its reason."""
        if not items:
            return []
        self._load_vectors(i.id for i in items)
        x = self.features(items)
        logits = x @ self.weights + self.bias
        scores = 1.0 / (1.0 + np.exp(-logits))
        # Ties (no evidence yet) fall back to recency: items come newest first.
        order = sorted(range(len(items)), key=lambda k: -scores[k])[:limit]
        centered = x - x.mean(axis=0)
        return [
            Ranked(items[k].id, float(scores[k]), self.reason(items[k], centered[k])) for k in order
        ]

    def read_next(self, limit: int) -> list[Ranked]:
        """The best live unread items."""
        return self.rank(self.pool, limit)

    def reason(self, item: LeanItem, x: np.ndarray) -> str:
        """The one or two features that lift this item most above the others, in words.

        ``x`` is the item's features minus the candidates' mean, so a reason
        names what sets the item apart, not what every item shares.
        """
        contributions = sorted(
            ((float(w * v), name) for w, v, name in zip(self.weights, x, FEATURES, strict=True)),
            reverse=True,
        )
        parts = [
            self._words(name, item) for value, name in contributions[:2] if value >= REASON_MIN
        ]
        return "; ".join(parts) if parts else say("recommend.unread", date=item.date[:10])

    def _words(self, feature: str, item: LeanItem) -> str:
        if feature == "sender":
            return say("recommend.sender", sender=item.sender)
        if feature == "category":
            return say("recommend.category", category=item.category)
        if feature == "content":
            return self._nearest_engaged(item)
        if feature == "priority":
            deadlines = [d for d in item.fields.get("dates", ()) if d.get("deadline")]
            if deadlines:
                return say("recommend.deadline", deadline=deadlines[0].get("text", ""))
            return say("recommend.priority", priority=item.priority)
        return say("recommend.new", date=item.date[:10])

    def _nearest_engaged(self, item: LeanItem) -> str:
        vector = self._vectors.get(item.id)
        engaged = [i for i, label in self.labels.items() if label and i in self._vectors]
        if vector is None or not engaged:
            return say("recommend.like_read")
        best = max(engaged, key=lambda i: float(self._vectors[i] @ vector))
        title = self._labelled[best].title if best in self._labelled else ""
        return (
            say("recommend.like_title", title=title[:60]) if title else say("recommend.like_read")
        )


def related(signals: SignalStore, item_id: int, limit: int) -> list[tuple[int, float]]:
    """``(item_id, cosine)`` of the live items nearest to one item's stored embedding."""
    version = signals.embedding_version(item_id)
    if version is None:
        raise UserError(f"item {item_id} has no embedding yet (is it still queued?)")
    _, own = signals.vectors(version, [item_id])
    ids, matrix = signals.vectors(version)
    if not ids:
        return []
    sims = _unit(matrix) @ _unit(own)[0]
    order = [k for k in np.argsort(-sims, kind="stable") if ids[k] != item_id][:limit]
    return [(ids[k], float(sims[k])) for k in order]


def related_reason(item: Item, other: Item, similarity: float) -> str:
    """Why ``other`` is related to ``item``."""
    parts = [say("related.similar", similarity=similarity)]
    if item.thread and item.thread == other.thread:
        parts.append(say("related.thread"))
    sender = item.metadata.get("from")
    if sender and sender == other.metadata.get("from"):
        parts.append(say("related.sender", sender=sender))
    if item.category and item.category == other.category:
        parts.append(say("related.category", category=item.category))
    return "; ".join(parts)
