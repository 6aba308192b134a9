"""Monitoring: acceptance / accuracy series and the drift alert rule."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from assistant import Sift
from assistant import monitor
from assistant.errors import UserError
from assistant.monitor import Decision
from assistant.types import SuggestionKind
from assistant.types import Verdict
from tests.helpers.mail import make_mail

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def decision(
    days_ago: float,
    *,
    accepted: bool,
    action: str = "archive",
    category: str = "fyi",
    corrected: bool = False,
) -> Decision:
    confirmed = False if corrected else (True if accepted else None)
    return Decision(NOW - timedelta(days=days_ago), action, category, accepted, confirmed)


def test_metrics_series_per_bucket_kind_and_category() -> None:
    items = [
        decision(2, accepted=True),
        decision(2, accepted=False, action="reply_draft", category="personal", corrected=True),
        decision(2.1, accepted=True, action="reply_draft", category="personal"),
        decision(0, accepted=False),
    ]
    metrics = monitor.metrics(items)
    assert metrics.buckets == ("2026-11-23", "2026-11-25")
    assert metrics.acceptance.rates == (2 / 3, 0.0) and metrics.acceptance.counts == (3, 1)
    # a bare rejection says nothing about the category: not in accuracy
    assert metrics.accuracy.rates == (2 / 3, None) and metrics.accuracy.counts == (3, 0)
    by_kind = {s.name: s for s in metrics.acceptance_by_kind}
    assert by_kind["archive"].rates == (1.0, 0.0)
    assert by_kind["reply_draft"].rates == (0.5, None)
    assert {s.name: s.rates for s in metrics.accuracy_by_kind} == {
        "archive": (1.0, None),
        "reply_draft": (0.5, None),
    }
    accuracy = {s.name: s for s in metrics.accuracy_by_category}
    assert accuracy["personal"].rates == (0.5, None) and accuracy["personal"].total == 2
    weekly = monitor.metrics(items, bucket="week")
    assert weekly.buckets == ("2026-11-23",) and weekly.acceptance.counts == (4,)
    with pytest.raises(UserError):
        monitor.metrics(items, bucket="hour")


def test_decisions_from_verdict_rows() -> None:
    rows = [
        {"verdict": "accept", "action": "archive", "category": "fyi", "correction": None,
         "created_at": "2026-11-20T10:00:00+00:00"},
        {"verdict": "reject", "action": "archive", "category": "personal",
         "correction": "personal", "created_at": "2026-11-20T11:00:00+00:00"},
        {"verdict": "reject", "action": "follow_up", "category": "fyi", "correction": None,
         "created_at": "2026-11-21T11:00:00+00:00"},
        {"verdict": "label", "action": None, "category": "fyi", "correction": "fyi",
         "created_at": "2026-11-21T12:00:00+00:00"},
    ]  # fmt: skip
    got = [(d.action, d.category, d.accepted, d.confirmed) for d in monitor.decisions(rows)]
    assert got == [
        ("archive", "fyi", True, True),
        ("archive", "personal", False, False),
        ("follow_up", "fyi", False, None),
    ]


def test_only_actions_that_follow_from_the_category_confirm_it() -> None:
    """GIVEN accepts of several kinds THEN only category-derived ones count in accuracy."""

    def row(action: str, category: str) -> dict[str, object]:
        return {"verdict": "accept", "action": action, "category": category,
                "correction": None, "created_at": "2026-11-20T10:00:00+00:00"}  # fmt: skip

    rows = [
        row("calendar_event", "meeting"),
        row("reply_draft", "needs-reply"),
        row("record_bill", "finance"),
        row("archive", "promotion"),
        row("file_into", "invoice"),
        row("follow_up", "needs-reply"),  # a reminder says nothing about the category
        row("read_later", "newsletter"),
        row("mark_junk", "fyi"),
        row("archive", "personal"),  # offered for an unsure item, not from "personal"
        row("calendar_event", "fyi"),  # the user relabelled it since
    ]
    got = [d.confirmed for d in monitor.decisions(rows)]
    assert got == [True, True, True, True, True, None, None, None, None, None]


def test_an_undone_accept_counts_nowhere() -> None:
    """GIVEN accept, undo (and accept again) THEN only the standing accept is a decision."""

    def row(verdict: str, suggestion_id: int, hour: int) -> dict[str, object]:
        return {"verdict": verdict, "suggestion_id": suggestion_id, "action": "archive",
                "category": "fyi", "correction": None, "item_id": suggestion_id,
                "created_at": f"2026-11-20T{hour:02}:00:00+00:00"}  # fmt: skip

    rows = [row("accept", 1, 8), row("undone", 1, 9), row("accept", 2, 10), row("undone", 2, 11)]
    assert monitor.decisions(rows) == []
    again = [*rows, row("accept", 2, 12)]
    assert [d.at.hour for d in monitor.decisions(again)] == [12]


def history(recent_rate: float, *, recent: int = 12, baseline: int = 30) -> list[Decision]:
    """``baseline`` decisions 8-30 days ago at 90%, ``recent`` in the last week at a rate."""
    old = [decision(8 + k * 0.7, accepted=k % 10 != 0) for k in range(baseline)]
    hits = round(recent * recent_rate)
    new = [decision(0.5 + k * 0.4, accepted=k < hits) for k in range(recent)]
    return old + new


def test_drift_alert_fires_on_a_sharp_drop() -> None:
    alerts = monitor.drift_alerts(history(0.5), now=NOW)
    scopes = {a.scope for a in alerts}
    assert scopes == {"all", "action:archive", "category:fyi"}
    alert = alerts[0]
    assert alert.baseline_rate == pytest.approx(0.9) and alert.recent_rate == pytest.approx(0.5)
    assert (alert.recent_count, alert.baseline_count) == (12, 30)
    assert "fell to 50%" in alert.message


def test_drift_alert_stays_quiet_for_small_drops_and_little_data() -> None:
    assert monitor.drift_alerts(history(0.75), now=NOW) == []  # 15 points < 20
    assert monitor.drift_alerts(history(0.0, recent=9), now=NOW) == []  # too few recent
    assert monitor.drift_alerts(history(0.0, baseline=19), now=NOW) == []  # too few before
    # decisions older than the 35-day horizon are not a baseline
    old_only = [decision(40 + k, accepted=True) for k in range(30)]
    new = [decision(1, accepted=False) for _ in range(12)]
    assert monitor.drift_alerts(old_only + new, now=NOW) == []


def test_engine_metrics_follow_accepts_rejects_and_undos(fake_sift: Sift, tmp_path: Path) -> None:
    eml = tmp_path / "a.eml"
    eml.write_bytes(make_mail("Lunch?", "Are you free for lunch on Friday?", message_id="l@x"))
    (item,) = fake_sift.ingest([eml], summarize=False)
    first, second, *_ = fake_sift.suggestions(item.id)
    assert first.kind == SuggestionKind.REPLY_DRAFT
    fake_sift.accept(first.id)
    fake_sift.reject(second.id, correct="personal")
    metrics = fake_sift.metrics()
    today = datetime.now(UTC).date().isoformat()
    assert metrics.buckets == (today,)
    assert metrics.acceptance.rates == (0.5,) and metrics.acceptance.counts == (2,)
    # The item is personal now: a reply does not confirm that; the correction counts.
    assert metrics.accuracy.rates == (0.0,) and metrics.accuracy.counts == (1,)
    assert {s.name for s in metrics.acceptance_by_kind} == {str(first.kind), str(second.kind)}
    assert fake_sift.alerts() == []
    fake_sift.undo()
    verdicts = [f.verdict for f in fake_sift.store.feedback(item.id)]
    assert verdicts.count(Verdict.UNDONE) == 1
    metrics = fake_sift.metrics()
    assert metrics.acceptance.rates == (0.0,) and metrics.acceptance.counts == (1,)
