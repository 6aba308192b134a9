"""Priority: how important an item is, learned from what the user does with it.

The Gmail Priority Inbox design (Aberdeen, Pacovsky and Slater, 2010), at
desktop scale:

* a **global prior**: a transparent score from features every mail has
  (its category, a request or question to the user, a date, list mail,
  addressed directly to the user), with fixed weights. It serves on day one
  and whenever the user has given too little feedback;
* a **per-user model**: a logistic regression on top of the prior (the prior's
  logit is its offset, so with no evidence it says what the prior says),
  learned from what the user engaged with: accepted replies, follow-ups,
  calendar entries and bills, labels and opens count as engagement; archived,
  unsubscribed and junk-marked items as its absence. Its features add what
  only this user's history tells: how often the user acted on this sender and
  this category, whether the user replied in the thread, its length;
* a **per-user threshold** for "important": the lowest score above which the
  user engaged with at least ``TARGET_ENGAGEMENT`` of the items.

Every score comes with its reasons: the features that weighed most, in words.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from email.utils import getaddresses
from typing import Any

import numpy as np

from assistant.messages import say
from assistant.store import Store
from assistant.store_priority import ItemRow
from assistant.store_priority import PriorityStore

# The prior's weight per starting category (the heuristic Sift shipped with);
# user-made categories get the kind's default until the user's model learns them.
PRIOR_BY_CATEGORY = {
    "needs-reply": 0.8,
    "meeting": 0.7,
    "finance": 0.6,
    "personal": 0.6,
    "fyi": 0.3,
    "newsletter": 0.15,
    "promotion": 0.1,
}
PRIOR_DEFAULT = {"mail": 0.4, "document": 0.3}
# Fixed prior weights of the binary features, on the score's scale.
PRIOR_WEIGHTS = {"asks you": 0.1, "date": 0.05, "list mail": -0.1, "to you": 0.05}
MIN_EXAMPLES = 20  # engagement examples (with both outcomes) before a per-user model
TARGET_ENGAGEMENT = 0.6  # "important": the user engaged with this share of items scoring above
DEFAULT_THRESHOLD = 0.6
L2 = 1.0  # ridge on the per-user weights: little evidence, small departures from the prior

# What the user did with an item, as engagement evidence: (engaged, weight).
ENGAGED_KINDS = frozenset({"reply_draft", "follow_up", "calendar_event", "record_bill"})
DISMISSED_KINDS = frozenset({"archive", "unsubscribe", "mark_junk"})
WEAK = 0.5  # a label or an open says less than an accepted reply

# The per-user model's features (besides the prior's offset), and how each reads.
USER_FEATURES = (
    "baseline",
    "asks you",
    "deadline",
    "date",
    "to you",
    "cc",
    "list mail",
    "sender acted",
    "sender frequent",
    "category acted",
    "replied in thread",
    "long thread",
    "junk",
)
# Each feature's words when it pushes up and down (``assistant.messages`` has them in
# every language; the English is what the store keeps).
_WORD_KEYS = {
    "category": "category",
    "asks you": "asks_you",
    "deadline": "deadline",
    "date": "date",
    "to you": "to_you",
    "cc": "cc",
    "list mail": "list_mail",
    "sender acted": "sender_acted",
    "sender frequent": "sender_frequent",
    "category acted": "category_acted",
    "replied in thread": "replied",
    "long thread": "long_thread",
    "junk": "junk",
    "baseline": "baseline",
}
_WORDS = {
    name: (say(f"priority.{key}.up"), say(f"priority.{key}.down"))
    for name, key in _WORD_KEYS.items()
}


# Address parsing is most of what reading the history costs, and the same
# senders and recipients come back on mail after mail.
@functools.lru_cache(maxsize=20_000)
def _address(value: str) -> str:
    pairs = getaddresses([value or ""])
    return pairs[0][1].lower() if pairs and pairs[0][1] else (value or "").strip().lower()


@functools.lru_cache(maxsize=20_000)
def _addresses(value: str) -> frozenset[str]:
    return frozenset(a.lower() for _, a in getaddresses([value or ""]) if a)


def _logit(p: float) -> float:
    p = min(0.98, max(0.02, p))
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class History:
    """What the user's past says about senders, categories and threads."""

    user_addresses: frozenset[str] = frozenset()
    sender_acted: Mapping[str, tuple[float, int]] = field(default_factory=dict)  # engaged, seen
    sender_items: Mapping[str, int] = field(default_factory=dict)
    category_acted: Mapping[str, tuple[float, int]] = field(default_factory=dict)
    replied_threads: frozenset[str] = frozenset()
    thread_sizes: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scored:
    """A priority score with its reasons."""

    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PriorityReport:
    """What ``learn`` did: the model that serves now and its evidence."""

    version: str  # "prior" when no per-user model serves
    examples: int
    engaged: int
    threshold: float
    reason: str


def _rate(counts: tuple[float, int] | None, *, minus: float = 0.0, drop: int = 0) -> float:
    """Smoothed engagement rate, centred at 0 (no history: 0)."""
    engaged, seen = counts or (0.0, 0)
    if seen < drop:  # the history does not hold this item: nothing to leave out
        minus, drop = 0.0, 0
    engaged, seen = engaged - minus, seen - drop
    return (engaged + 0.5) / (seen + 1.0) - 0.5


def features(
    row: ItemRow, history: History, *, minus: float = 0.0, drop: int = 0
) -> dict[str, float]:
    """The item's features; ``minus``/``drop`` remove its own outcome from its history."""
    fields = row.fields or {}
    metadata = row.metadata or {}
    to = _addresses(metadata.get("to", ""))
    cc = _addresses(metadata.get("cc", ""))
    sender = _address(metadata.get("from", ""))
    mine = history.user_addresses
    dates = fields.get("dates", ())
    size = history.thread_sizes.get(row.thread, 1)
    category = row.category or ""
    return {
        "baseline": 1.0,
        "asks you": float(bool(fields.get("requests"))),
        "deadline": float(any(d.get("deadline") for d in dates)),
        "date": float(bool(dates)),
        "to you": float(bool(mine & to)),
        "cc": float(bool(mine & cc) and not (mine & to)),
        "list mail": float(bool(metadata.get("list_unsubscribe"))),
        "sender acted": _rate(history.sender_acted.get(sender), minus=minus, drop=drop),
        "sender frequent": min(1.0, math.log1p(history.sender_items.get(sender, 0)) / 4.0),
        "category acted": _rate(history.category_acted.get(category), minus=minus, drop=drop),
        "replied in thread": float(row.thread in history.replied_threads),
        "long thread": min(1.0, (size - 1) / 5.0),
        "junk": row.junk_probability,
    }


def prior(row: ItemRow, values: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """The global prior: the score and each feature's contribution to it."""
    if row.is_junk:
        return 0.0, {"junk": -1.0}
    base = PRIOR_BY_CATEGORY.get(row.category or "", PRIOR_DEFAULT.get(row.kind, 0.3))
    contributions = {"category": base - 0.4}
    for name, weight in PRIOR_WEIGHTS.items():
        if values.get(name):
            contributions[name] = weight
    score = base + sum(v for k, v in contributions.items() if k != "category")
    return max(0.0, min(1.0, score)), contributions


def reasons(contributions: Mapping[str, float], *, limit: int = 3) -> tuple[str, ...]:
    """The features that weighed most, in words."""
    ranked = sorted(contributions.items(), key=lambda kv: -abs(kv[1]))
    out = []
    for name, value in ranked:
        if abs(value) < 0.02 or name not in _WORDS:
            continue
        out.append(_WORDS[name][0 if value > 0 else 1])
        if len(out) == limit:
            break
    return tuple(out)


@dataclass(frozen=True, slots=True)
class UserModel:
    """Per-user weights over ``USER_FEATURES``, added to the prior's logit."""

    weights: Mapping[str, float]
    threshold: float
    version: str

    def score(self, row: ItemRow, values: Mapping[str, float]) -> Scored:
        base, prior_parts = prior(row, values)
        if row.is_junk:
            return Scored(0.0, reasons(prior_parts))
        parts = {
            name: self.weights.get(name, 0.0) * values.get(name, 0.0) for name in USER_FEATURES
        }
        logit = _logit(base) + sum(parts.values())
        # The prior's own reasons count too, on the logit scale.
        merged = dict(parts)
        for name, value in prior_parts.items():
            merged[name] = merged.get(name, 0.0) + value * 4.0
        merged.pop("baseline", None)
        return Scored(1.0 / (1.0 + math.exp(-logit)), reasons(merged))


def fit(
    rows: list[ItemRow],
    outcomes: Mapping[int, tuple[float, float]],
    history: History,
    *,
    l2: float = L2,
) -> tuple[dict[str, float], float]:
    """Per-user weights (ridge logistic regression, the prior's logit as offset) and threshold.

    Each row's sender and category history leaves its own outcome out, so the
    model does not learn to trust a history that already contains the answer.
    """
    x, y, w, offset = [], [], [], []
    for row in rows:
        label, weight = outcomes[row.id]
        values = features(row, history, minus=label, drop=1)
        x.append([values[name] for name in USER_FEATURES])
        y.append(label)
        w.append(weight)
        offset.append(_logit(prior(row, values)[0]))
    xs, ys, ws, off = (np.array(a, dtype=np.float64) for a in (x, y, w, offset))
    beta = np.zeros(xs.shape[1])
    for _ in range(25):  # Newton steps; a dozen features converge in a few
        p = 1.0 / (1.0 + np.exp(-(off + xs @ beta)))
        gradient = xs.T @ (ws * (p - ys)) + l2 * beta
        hessian = (xs * (ws * p * (1 - p))[:, None]).T @ xs + l2 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    scores = 1.0 / (1.0 + np.exp(-(off + xs @ beta)))
    return dict(zip(USER_FEATURES, beta.tolist(), strict=True)), threshold(scores, ys)


def threshold(scores: np.ndarray, engaged: np.ndarray, target: float = TARGET_ENGAGEMENT) -> float:
    """The lowest score above which the user engaged with at least ``target`` of the items."""
    order = np.argsort(-scores)
    hits = np.cumsum(engaged[order] >= 0.5)
    share = hits / np.arange(1, len(order) + 1)
    good = np.nonzero(share >= target)[0]
    if len(good) == 0:
        return float(min(1.0, scores.max() + 1e-6))
    return float(scores[order][good[-1]])


def outcomes(
    decided: list[tuple[int, str, str]],
    verdicts: list[tuple[int, str]],
    opens: Mapping[int, int] | None = None,
) -> dict[int, tuple[float, float]]:
    """Engagement per item: ``(1.0 engaged / 0.0 not, weight)`` from what the user did.

    An accepted reply, follow-up, calendar entry or bill is engagement; an
    accepted archive / unsubscribe / junk suggestion, a rejected reply draft
    or a junk mark is its absence (and wins over a weak signal); a label or
    an open (``opens``: item id -> times opened, from the signals table) is
    weak engagement.
    """
    strong: dict[int, float] = {}
    for item_id, kind, state in decided:
        if state == "accepted" and kind in ENGAGED_KINDS:
            strong[item_id] = 1.0
        elif (state == "accepted" and kind in DISMISSED_KINDS) or (
            state == "rejected" and kind == "reply_draft"
        ):
            strong.setdefault(item_id, 0.0)
    weak: dict[int, float] = {}
    for item_id, verdict in verdicts:
        if verdict == "junk":
            strong[item_id] = 0.0
        elif verdict == "label":
            weak[item_id] = 1.0
    for item_id, count in (opens or {}).items():
        if count > 0:
            weak[item_id] = 1.0
    result = {item_id: (1.0, WEAK) for item_id in weak}
    result.update({item_id: (label, 1.0) for item_id, label in strong.items()})
    return result


class Prioritizer:
    """Scores items, learns the per-user model, keeps stored priorities current.

    Args:
        store: the database.
        user_addresses: the user's own addresses (else the most common recipient).
    """

    def __init__(self, store: Store, *, user_addresses: tuple[str, ...] = ()) -> None:
        self._db = PriorityStore(store)
        self._user_addresses = frozenset(a.lower() for a in user_addresses)
        self._history: History | None = None
        self._model: UserModel | None = None
        self._loaded = False
        self._opens: Mapping[int, int] = {}

    # -- serving -------------------------------------------------------------

    @property
    def model(self) -> UserModel | None:
        """The per-user model that serves, or None (the prior serves)."""
        if not self._loaded:
            stored = self._db.active()
            if stored is not None:
                self._model = UserModel(stored.weights, stored.threshold, stored.version)
            self._loaded = True
        return self._model

    @property
    def threshold(self) -> float:
        """Score at and above which an item counts as important for this user."""
        model = self.model
        return model.threshold if model else DEFAULT_THRESHOLD

    def history(self) -> History:
        """The user's history, read once and kept until ``forget_history``."""
        if self._history is None:
            self._history = self._read_history()
        return self._history

    def forget_history(self) -> None:
        """New items or feedback arrived: read the history again when next needed."""
        self._history = None

    def score_row(self, row: ItemRow) -> Scored:
        """Score one item."""
        values = features(row, self.history())
        model = self.model
        if model is not None:
            return model.score(row, values)
        base, parts = prior(row, values)
        return Scored(base, reasons(parts))

    def score(
        self,
        *,
        item_id: int,
        kind: str,
        metadata: dict[str, str],
        fields: dict[str, Any],
        category: str | None,
        is_junk: bool | None,
        junk_probability: float,
        thread: str,
    ) -> Scored:
        """Score an item being classified (its row is not yet stored)."""
        row = ItemRow(
            item_id, kind, metadata, fields, category, is_junk, junk_probability, thread, 0.0
        )
        return self.score_row(row)

    # -- learning ------------------------------------------------------------

    def set_opens(self, counts: Mapping[int, int]) -> None:
        """The hook for the signals table: item id -> times the user opened it.

        Opens count as weak engagement at the next ``learn``.
        """
        self._opens = dict(counts)

    def learn(self) -> PriorityReport:
        """Refit the per-user model from all feedback, then rescore every item at once."""
        self._history = None
        history = self.history()
        decided = self._db.decided_suggestions()
        verdicts = self._db.verdicts()
        found = outcomes(decided, verdicts, self._opens)
        rows = [r for r in self._db.item_rows() if r.id in found]
        engaged = sum(1 for r in rows if found[r.id][0] >= 0.5)
        before = self.model
        if len(rows) < MIN_EXAMPLES or engaged in (0, len(rows)):
            if before is not None:
                self._db.deactivate()
                self._model = None
                self.rescore()
            return PriorityReport(
                "prior",
                len(rows),
                engaged,
                DEFAULT_THRESHOLD,
                f"the global prior serves until {MIN_EXAMPLES} examples of both outcomes "
                f"(have {len(rows)}, {engaged} engaged)",
            )
        weights, cut = fit(rows, found, history)
        version = self._db.save(
            weights=weights,
            threshold=cut,
            examples=len(rows),
            metrics={"engaged": engaged},
        )
        self._model = UserModel(weights, cut, version)
        self._loaded = True
        self.rescore()
        return PriorityReport(
            version, len(rows), engaged, cut, f"per-user model on {len(rows)} examples"
        )

    def rescore(self, ids: list[int] | None = None) -> int:
        """Recompute stored priorities (all ready items, or ``ids``); returns how many."""
        changed = []
        for row in self._db.item_rows(ids=ids):
            scored = self.score_row(row)
            changed.append((row.id, scored.score, scored.reasons))
        self._db.set_scores(changed)
        return len(changed)

    def _read_history(self) -> History:
        rows = self._db.history_rows()
        decided = self._db.decided_suggestions()
        found = outcomes(decided, self._db.verdicts(), self._opens)
        senders: dict[str, list[float]] = {}
        categories: dict[str, list[float]] = {}
        items_per_sender: Counter[str] = Counter()
        recipients: Counter[str] = Counter()
        mails = 0
        for row in rows:
            sender = _address(row.sender)
            items_per_sender[sender] += 1
            if row.kind == "mail":
                mails += 1
                recipients.update(_addresses(row.to))
            if row.id in found:
                label = found[row.id][0]
                senders.setdefault(sender, []).append(label)
                categories.setdefault(row.category or "", []).append(label)
        accepted_replies = {
            item_id
            for item_id, kind, state in decided
            if kind == "reply_draft" and state == "accepted"
        }
        replied = {row.thread for row in rows if row.thread and row.id in accepted_replies}
        mine = self._user_addresses
        if not mine and recipients:
            address, count = recipients.most_common(1)[0]
            # The user's own address is on most of the mail they receive.
            if count >= max(3, 0.3 * mails):
                mine = frozenset({address})
        return History(
            user_addresses=mine,
            sender_acted={s: (sum(v), len(v)) for s, v in senders.items()},
            sender_items=dict(items_per_sender),
            category_acted={c: (sum(v), len(v)) for c, v in categories.items()},
            replied_threads=frozenset(replied),
            thread_sizes=self._db.thread_sizes(),
        )
