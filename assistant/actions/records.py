"""Actions that record something inside Sift: reminders, bills, read later, junk verdicts.

None of these touches the user's files. A reminder is due at a date
(``Sift.due_reminders`` lists the due ones so the GUI or CLI can notify); a
bill keeps payee, amount, currency and due date (``Sift.export_bills`` writes
them as CSV); junk and not-junk go through the junk filter's learning, and
their undo restores the verdict the user had given before (or none).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from assistant.actions.base import Context
from assistant.actions.base import Done
from assistant.actions.base import Request
from assistant.actions.base import Simple
from assistant.actions.trash import Trash
from assistant.actions.trash import write_replacing
from assistant.addresses import first_address
from assistant.errors import UserError
from assistant.learning import Learner
from assistant.store import now
from assistant.store_snapshots import SnapshotStore
from assistant.types import ActionRecord
from assistant.types import Bill
from assistant.types import Item
from assistant.types import SuggestionKind

DEFAULT_FOLLOW_UP_DAYS = 2


def local_now() -> datetime:
    """Now in local time without zone, to the second (how reminders are stored)."""
    return datetime.now().replace(microsecond=0)  # the user's wall clock: reminders are local


def parse_when(text: str) -> datetime:
    """An ISO date or date-time the user typed."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None, microsecond=0)
    except ValueError as error:
        raise UserError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from error


class FollowUp(Simple):
    """A follow-up reminder at a date."""

    kinds = (SuggestionKind.FOLLOW_UP,)

    def perform(self, context: Context, request: Request) -> Done:
        item, payload = request.item, request.suggestion.payload
        if request.edited_text and request.edited_text.strip():
            due = parse_when(request.edited_text)
        elif payload.get("due"):
            due = parse_when(payload["due"])
        else:
            try:
                days = float(payload.get("days") or DEFAULT_FOLLOW_UP_DAYS)
            except ValueError:
                days = DEFAULT_FOLLOW_UP_DAYS
            due = local_now() + timedelta(days=days)
        note = f"Follow up: {item.title}"
        reminder_id = context.actions.add_reminder(
            item_id=item.id, due_at=due.isoformat(timespec="seconds"), note=note
        )
        return Done(
            f"reminder set for {due:%Y-%m-%d %H:%M}", {"reminder_id": reminder_id, "due": str(due)}
        )

    def undo(self, context: Context, record: ActionRecord) -> str:
        gone = not context.actions.delete_reminder(int(str(record.detail["reminder_id"])))
        return "the reminder was already removed" if gone else "reminder removed"


def payee_of(item: Item) -> str:
    """Who is paid: an organisation named in the text, else the sender's name, else the title."""
    if item.fields is not None and item.fields.organisations:
        return item.fields.organisations[0]
    name, address = first_address(item.metadata.get("from", ""))
    return name or address or item.title


class RecordBill(Simple):
    """Record a bill: amount, currency, due date and payee into the bills list."""

    kinds = (SuggestionKind.RECORD_BILL,)

    def perform(self, context: Context, request: Request) -> Done:
        item, payload = request.item, request.suggestion.payload
        amount: float | None = None
        currency = payload.get("currency", "")
        if payload.get("value"):
            amount = float(payload["value"])
        elif item.fields is not None and item.fields.amounts:
            amount, currency = item.fields.amounts[0].value, item.fields.amounts[0].currency
        due = payload.get("due", "")
        if not due and item.fields is not None:
            deadlines = [d.when for d in item.fields.dates if d.deadline]
            due = deadlines[0] if deadlines else ""
        payee = payee_of(item)
        bill_id = context.actions.add_bill(
            item_id=item.id,
            payee=payee,
            amount=amount,
            currency=currency,
            due=due[:10],
            note=item.title,
        )
        shown = f"{amount:,.2f} {currency}".strip() if amount is not None else "no amount found"
        due_text = f", due {due[:10]}" if due else ""
        return Done(f"bill recorded: {payee}, {shown}{due_text}", {"bill_id": bill_id})

    def undo(self, context: Context, record: ActionRecord) -> str:
        gone = not context.actions.delete_bill(int(str(record.detail["bill_id"])))
        return "the bill was already removed" if gone else "bill removed from the list"


class ReadLater(Simple):
    """Put an item on the read-later list."""

    kinds = (SuggestionKind.READ_LATER,)

    def perform(self, context: Context, request: Request) -> Done:
        entry_id = context.actions.add_read_later(item_id=request.item.id)
        return Done("added to the read-later list", {"entry_id": entry_id})

    def undo(self, context: Context, record: ActionRecord) -> str:
        gone = not context.actions.delete_read_later(int(str(record.detail["entry_id"])))
        return "it was already off the list" if gone else "removed from the read-later list"


class Junk:
    """Mark junk / not junk through the junk filter's learning.

    ``Learner.accept`` (run before ``perform``) already teaches the filter
    for ``mark_junk``; ``not_junk`` is taught here. ``prepare`` notes the
    user's earlier verdict so undo can restore exactly it.
    """

    kinds = (SuggestionKind.MARK_JUNK, SuggestionKind.NOT_JUNK)

    def prepare(self, context: Context, request: Request) -> dict[str, Any]:
        return {"was": context.store.user_junk(request.item.id)}

    def perform(self, context: Context, request: Request) -> Done:
        junk = request.suggestion.kind == SuggestionKind.MARK_JUNK
        if not junk:
            Learner(context.sift).mark_junk(request.item.id, junk=False)
        return Done(
            f"marked as {'junk' if junk else 'not junk'}; the junk filter learned from it",
            {"junk": junk, "was": request.prepared.get("was")},
        )

    def undo(self, context: Context, record: ActionRecord) -> str:
        was = record.detail.get("was")
        sift = context.sift
        if was is not None:
            Learner(sift).mark_junk(record.item_id, junk=bool(was))
            return f"verdict back to {'junk' if was else 'not junk'}"
        item = context.store.item(record.item_id)
        junk = bool(record.detail["junk"])
        snapshots = SnapshotStore(context.store)
        if snapshots.learned(item.id) == junk:  # after a junk rollback it may not have
            text = f"{item.title}\n{item.text}"
            sift.junk.learn(text, junk=junk, headers=item.metadata, unlearn=True)
        snapshots.set_learned(item.id, junk=None)
        context.store.update_item(item.id, user_junk=None, labelled_at=now())
        sift.pipeline.reclassify(context.store.item(item.id))
        return "junk verdict withdrawn; the filter forgot it"


BILL_COLUMNS = ("id", "item_id", "payee", "amount", "currency", "due", "note", "created_at")


def write_bills_csv(bills: list[Bill], path: Path, trash: Trash) -> Path:
    """Write bills as CSV (UTF-8 with a BOM, so spreadsheet programs read it right).

    An existing file at ``path`` is moved to Sift's trash first, never overwritten.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(BILL_COLUMNS)
    for bill in bills:
        amount = "" if bill.amount is None else f"{bill.amount:.2f}"
        row = (bill.id, bill.item_id, bill.payee, amount, bill.currency, bill.due)
        writer.writerow((*row, bill.note, bill.created_at))
    data = out.getvalue().encode("utf-8-sig")
    return write_replacing(path, data, trash, reason="replaced by a bills export")
