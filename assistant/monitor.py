"""Monitoring: acceptance and accuracy over time, and the drift alert.

Both come from the explicit verdicts of the ``feedback`` table:

* **acceptance rate**: accepted / (accepted + rejected) suggestions, per
  action kind and per item category;
* **accuracy**: the share of category predictions the user confirmed rather
  than corrected. An accepted suggestion whose action follows from the
  category alone (``suggest.FROM_CATEGORY``: a reply for needs-reply, an event
  for a meeting, a bill for finance, an archive for fyi or promotion, any
  file-into) confirms it; other accepts (a follow-up, read later, junk) say
  nothing about it. A rejection with the right category corrects it.
  A bare rejection says nothing about the category and is not counted, nor
  is a plain ``label`` (the store does not keep the prediction it replaced).
  A category's accuracy is counted under the category the item ended with,
  so it reads as "how often Sift got items of this category right".

An accept the user undid (a ``Verdict.UNDONE`` row after it) counts nowhere.

Drift rule: for every series (all suggestions, each action kind, each
category) compare the acceptance rate of the last ``RECENT_DAYS`` days with
that of the ``BASELINE_DAYS`` days before; alert when it dropped by at least
``DROP`` (20 points) with at least ``MIN_RECENT`` decisions in the recent
window and ``MIN_BASELINE`` in the baseline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from assistant.errors import UserError
from assistant.store import parse_time
from assistant.store_signals import without_undone
from assistant.suggest import confirms_category
from assistant.types import Verdict

RECENT_DAYS = 7
BASELINE_DAYS = 28
MIN_RECENT = 10
MIN_BASELINE = 20
DROP = 0.20
BUCKETS = ("day", "week")


@dataclass(frozen=True, slots=True)
class Decision:
    """One explicit verdict as monitoring sees it."""

    at: datetime
    action: str | None  # the suggestion kind decided, None for a plain label or junk verdict
    category: str  # the item's category (the user's when given), "unsure" if none
    accepted: bool | None  # None: not a suggestion decision
    confirmed: bool | None  # category confirmed (True) / corrected (False) / not known (None)


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: a rate per bucket (None where nothing was decided) and counts."""

    name: str
    rates: tuple[float | None, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        """Decisions over all buckets."""
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Metrics:
    """Acceptance and accuracy over time.

    Attributes:
        bucket: ``day`` or ``week``.
        buckets: each bucket's first day (YYYY-MM-DD), oldest first; every
            series has one value per bucket.
        acceptance: all suggestions.
        accuracy: all category confirmations and corrections.
        acceptance_by_kind / acceptance_by_category / accuracy_by_kind /
        accuracy_by_category: one series per action kind or category, by name.
    """

    bucket: str
    buckets: tuple[str, ...]
    acceptance: Series
    accuracy: Series
    acceptance_by_kind: tuple[Series, ...]
    acceptance_by_category: tuple[Series, ...]
    accuracy_by_kind: tuple[Series, ...]
    accuracy_by_category: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class Alert:
    """Acceptance dropped sharply in one series (see the module's drift rule)."""

    scope: str  # "all", "action:<kind>" or "category:<name>"
    recent_rate: float
    baseline_rate: float
    recent_count: int
    baseline_count: int
    message: str


def decisions(rows: Iterable[dict[str, Any]]) -> list[Decision]:
    """Decisions from ``SignalStore.verdicts`` rows (undone accepts left out)."""
    out = []
    for row in without_undone(rows):
        verdict = Verdict(row["verdict"])
        action = row.get("action")
        accepted = None
        if action and verdict in (Verdict.ACCEPT, Verdict.REJECT):
            accepted = verdict == Verdict.ACCEPT
        confirmed = None
        if verdict == Verdict.ACCEPT and confirms_category(action, row.get("category")):
            confirmed = True
        elif verdict == Verdict.REJECT and row.get("correction"):
            confirmed = False
        moment = parse_time(row["created_at"])
        if moment is None or (accepted is None and confirmed is None):
            continue
        out.append(
            Decision(
                moment,
                action,
                row.get("category") or "unsure",
                accepted,
                confirmed,
            )
        )
    return out


def _bucket(moment: datetime, bucket: str) -> str:
    day = moment.astimezone(UTC).date()
    if bucket == "week":
        day -= timedelta(days=day.weekday())
    return day.isoformat()


def _series(name: str, points: list[tuple[str, bool]], buckets: tuple[str, ...]) -> Series:
    yes: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for key, value in points:
        count[key] += 1
        yes[key] += value
    return Series(
        name,
        tuple(yes[b] / count[b] if count[b] else None for b in buckets),
        tuple(count[b] for b in buckets),
    )


def metrics(items: list[Decision], *, bucket: str = "day") -> Metrics:
    """Acceptance and accuracy series over ``bucket``-long periods."""
    if bucket not in BUCKETS:
        raise UserError(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}")
    keyed = [(_bucket(d.at, bucket), d) for d in items]
    buckets = tuple(sorted({key for key, _ in keyed}))
    accept = [(k, d) for k, d in keyed if d.accepted is not None]
    confirm = [(k, d) for k, d in keyed if d.confirmed is not None]

    def grouped(pairs: list[tuple[str, Decision]], by: str, value: str) -> tuple[Series, ...]:
        groups: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for key, d in pairs:
            groups[str(getattr(d, by))].append((key, bool(getattr(d, value))))
        return tuple(_series(name, groups[name], buckets) for name in sorted(groups))

    return Metrics(
        bucket=bucket,
        buckets=buckets,
        acceptance=_series("all", [(k, bool(d.accepted)) for k, d in accept], buckets),
        accuracy=_series("all", [(k, bool(d.confirmed)) for k, d in confirm], buckets),
        acceptance_by_kind=grouped(accept, "action", "accepted"),
        acceptance_by_category=grouped(accept, "category", "accepted"),
        accuracy_by_kind=grouped([(k, d) for k, d in confirm if d.action], "action", "confirmed"),
        accuracy_by_category=grouped(confirm, "category", "confirmed"),
    )


def drift_alerts(items: list[Decision], *, now: datetime | None = None) -> list[Alert]:
    """Series whose recent acceptance fell ``DROP`` or more below their baseline."""
    now = now or datetime.now(UTC)
    recent_start = now - timedelta(days=RECENT_DAYS)
    baseline_start = recent_start - timedelta(days=BASELINE_DAYS)
    windows: dict[str, list[list[bool]]] = defaultdict(lambda: [[], []])
    for d in items:
        if d.accepted is None or d.at < baseline_start or d.at > now:
            continue
        window = 0 if d.at >= recent_start else 1
        for scope in ("all", f"action:{d.action}", f"category:{d.category}"):
            windows[scope][window].append(d.accepted)
    alerts = []
    for scope, (recent, baseline) in windows.items():
        if len(recent) < MIN_RECENT or len(baseline) < MIN_BASELINE:
            continue
        recent_rate = sum(recent) / len(recent)
        baseline_rate = sum(baseline) / len(baseline)
        if baseline_rate - recent_rate >= DROP:
            alerts.append(
                Alert(
                    scope,
                    recent_rate,
                    baseline_rate,
                    len(recent),
                    len(baseline),
                    f"{scope}: acceptance fell to {recent_rate:.0%} over the last {RECENT_DAYS} "
                    f"days ({len(recent)} decisions) from {baseline_rate:.0%} over the "
                    f"{BASELINE_DAYS} days before ({len(baseline)} decisions)",
                )
            )
    return sorted(alerts, key=lambda a: a.recent_rate - a.baseline_rate)
