"""Reminders, bills, read later, junk verdicts, Sift's trash, and the action log."""

from __future__ import annotations

import csv
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from assistant import Sift
from assistant.actions import Trash
from assistant.errors import UserError
from assistant.store_actions import ActionStore
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

BILL = "Invoice 2041 from ACME Corp. Amount due: $120.00, payment due by December 5."
SPAM = "Congratulations! You won the lottery, claim your prize now! Click here for cash."


def ingest_one(sift: Sift, tmp_path: Path, subject: str, body: str) -> int:
    mbox = write_mbox(tmp_path / f"{subject[:8]}.mbox", [make_mail(subject, body)])
    return sift.ingest([mbox], summarize=False)[0].id


def test_follow_up_reminder_is_due_at_its_date_and_undone(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "Question", "Can you send the figures?")
    record = fake_sift.accept_action(
        offer(fake_sift, item_id, SuggestionKind.FOLLOW_UP, {"days": "2"})
    )
    [reminder] = fake_sift.reminders()
    assert reminder.item_id == item_id and "Question" in reminder.note
    assert fake_sift.due_reminders() == []
    later = datetime.now(UTC) + timedelta(days=2, minutes=5)
    assert [r.id for r in fake_sift.due_reminders(later)] == [reminder.id]
    fake_sift.undo(record.id)
    assert fake_sift.reminders() == []


def test_follow_up_date_can_be_set_by_the_user(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "Question", "Can you send the figures?")
    offered = offer(fake_sift, item_id, SuggestionKind.FOLLOW_UP, {"days": "2"})
    with pytest.raises(UserError, match="not a date"):
        fake_sift.accept(offered, edited_text="next tuesday-ish")
    assert fake_sift.store.suggestion(offered).state == SuggestionState.OPEN
    fake_sift.accept(offered, edited_text="2026-12-01T10:00")
    assert fake_sift.reminders()[0].due_at == "2026-12-01T10:00:00"
    assert fake_sift.due_reminders(datetime(2026, 12, 1, 10, 0)) != []


def test_bill_is_recorded_exported_as_csv_and_undone(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "Invoice 2041", BILL)
    record = fake_sift.accept_action(
        offer(
            fake_sift,
            item_id,
            SuggestionKind.RECORD_BILL,
            {
                "amount": "$120.00",
                "value": "120.0",
                "currency": "USD",
                "due": "2026-12-05T00:00:00",
            },
        )
    )
    [bill] = fake_sift.bills()
    assert (bill.amount, bill.currency, bill.due) == (120.0, "USD", "2026-12-05")
    assert bill.payee == "ACME Corp" and "ACME" in record.summary
    out = tmp_path / "out" / "bills.csv"
    fake_sift.export_bills(out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["payee"], r["amount"], r["currency"], r["due"]) for r in rows] == [
        ("ACME Corp", "120.00", "USD", "2026-12-05")
    ]
    # Exporting again never overwrites: the old file goes to Sift's trash.
    fake_sift.export_bills(out)
    [entry] = fake_sift.trash()
    assert entry.original_path == str(out) and Path(entry.trash_path).is_file()
    fake_sift.undo(record.id)
    assert fake_sift.bills() == []


def test_bill_amount_comes_from_fields_when_the_payload_has_none(
    fake_sift: Sift, tmp_path: Path
) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "Receipt", "Your receipt: total €45.50. Thank you.")
    fake_sift.accept(offer(fake_sift, item_id, SuggestionKind.RECORD_BILL))
    [bill] = fake_sift.bills()
    assert (bill.amount, bill.currency) == (45.5, "EUR")


def test_read_later_list_and_undo(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "Long read", "An essay about gardens.")
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.READ_LATER))
    assert [(e.item_id, e.title) for e in fake_sift.read_later()] == [(item_id, "Long read")]
    fake_sift.undo(record.id)
    assert fake_sift.read_later() == []


def test_mark_junk_and_its_undo_restore_the_filter(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN an item WHEN mark-junk is accepted and undone THEN the filter is as before."""
    item_id = ingest_one(fake_sift, tmp_path, "Prize", SPAM)
    text = f"Prize\n{SPAM}"
    item = fake_sift.item(item_id)
    before = fake_sift.junk.classify(text, headers=item.metadata).probability
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.MARK_JUNK))
    assert fake_sift.store.user_junk(item_id) is True
    assert fake_sift.junk.classify(text, headers=item.metadata).probability >= before
    fake_sift.undo(record.id)
    assert fake_sift.store.user_junk(item_id) is None
    after = fake_sift.junk.classify(text, headers=item.metadata).probability
    assert after == pytest.approx(before)
    assert fake_sift.store.suggestion(record.suggestion_id).state == SuggestionState.OPEN


def test_not_junk_and_its_undo(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "Prize", SPAM)
    fake_sift.mark_junk(item_id, True)  # the user said junk earlier
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.NOT_JUNK))
    assert fake_sift.store.user_junk(item_id) is False
    fake_sift.undo(record.id)
    assert fake_sift.store.user_junk(item_id) is True


def test_trash_keeps_files_for_the_grace_period(fake_sift: Sift, tmp_path: Path) -> None:
    trash = Trash(fake_sift.paths, ActionStore(fake_sift.store), days=30)
    victim = tmp_path / "old.txt"
    victim.write_text("keep me a while")
    entry = trash.put(victim, reason="test")
    assert not victim.exists() and Path(entry.trash_path).read_text() == "keep me a while"
    assert fake_sift.purge_trash(datetime.now(UTC) + timedelta(days=29)) == []
    assert Path(entry.trash_path).exists()
    restored = fake_sift.restore_trash(entry.id)
    assert restored == victim and victim.read_text() == "keep me a while"
    entry = trash.put(victim, reason="test")
    assert [e.id for e in fake_sift.purge_trash(datetime.now(UTC) + timedelta(days=31))] == [
        entry.id
    ]
    assert not Path(entry.trash_path).exists() and fake_sift.trash() == []


def test_restore_from_trash_never_overwrites(fake_sift: Sift, tmp_path: Path) -> None:
    trash = Trash(fake_sift.paths, ActionStore(fake_sift.store), days=30)
    victim = tmp_path / "a.txt"
    victim.write_text("first")
    entry = trash.put(victim, reason="test")
    victim.write_text("second")
    with pytest.raises(UserError, match="exists"):
        fake_sift.restore_trash(entry.id)
    assert victim.read_text() == "second" and Path(entry.trash_path).read_text() == "first"


def test_undo_latest_and_nothing_to_undo(fake_sift: Sift, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="nothing to undo"):
        fake_sift.undo()
    first = ingest_one(fake_sift, tmp_path, "One", "An essay about gardens.")
    second = ingest_one(fake_sift, tmp_path, "Two", "An essay about rivers.")
    a = fake_sift.accept_action(offer(fake_sift, first, SuggestionKind.READ_LATER))
    b = fake_sift.accept_action(offer(fake_sift, second, SuggestionKind.READ_LATER))
    assert [r.id for r in fake_sift.actions()] == [b.id, a.id]
    assert fake_sift.undo().id == b.id
    assert fake_sift.undo().id == a.id
    with pytest.raises(UserError, match="nothing to undo"):
        fake_sift.undo()
    assert all(r.undone and r.detail["undo"] for r in fake_sift.actions())


def test_accepting_twice_is_refused(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest_one(fake_sift, tmp_path, "One", "An essay about gardens.")
    offered = offer(fake_sift, item_id, SuggestionKind.READ_LATER)
    assert fake_sift.accept(offered).state == SuggestionState.ACCEPTED
    with pytest.raises(UserError, match="accepted already"):
        fake_sift.accept(offered)
    assert len(fake_sift.read_later()) == 1
