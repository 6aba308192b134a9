"""SQL for the action family: the action log, reminders, bills, read later, trash.

A companion of ``Store`` (see its docstring): every query of these tables
lives here, rows become the frozen dataclasses of ``assistant.types`` at this
edge, and writes go through ``store.atomic()`` so they join the caller's
transaction when there is one (an accept writes its action's rows, the
suggestion's verdict and the log entry in one transaction).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.errors import NotFoundError
from assistant.store import Store
from assistant.store import now
from assistant.store import vector_from_blob
from assistant.types import ActionRecord
from assistant.types import Bill
from assistant.types import ReadLaterEntry
from assistant.types import Reminder
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import TrashEntry


@dataclass(frozen=True, slots=True)
class Filed:
    """An item the user filed, where it went, and what it looks like."""

    item_id: int
    folder: str
    kind: str
    category: str | None
    vector: np.ndarray | None


def _action(row: dict[str, Any]) -> ActionRecord:
    try:
        detail = json.loads(row["detail"] or "{}")
    except ValueError:
        detail = {}
    return ActionRecord(
        id=int(row["id"]),
        kind=SuggestionKind(row["kind"]),
        item_id=int(row["item_id"]),
        suggestion_id=row["suggestion_id"],
        summary=row["summary"] or "",
        detail=detail,
        created_at=row["created_at"],
        undone_at=row["undone_at"],
    )


def _insert(store: Store, table: str, record: dict[str, Any]) -> int:
    with store.atomic() as db:
        rows = db[table]
        rows.insert(record)
        return int(rows.last_pk)  # type: ignore[union-attr, arg-type]


class ActionStore:
    """The action tables of one ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- the log -------------------------------------------------------------

    def add_action(
        self,
        *,
        kind: SuggestionKind,
        item_id: int,
        suggestion_id: int | None,
        summary: str,
        detail: dict[str, Any],
    ) -> int:
        """Log one action carried out; returns its id."""
        return _insert(
            self._store,
            "actions",
            {
                "kind": str(kind),
                "item_id": item_id,
                "suggestion_id": suggestion_id,
                "summary": summary,
                "detail": json.dumps(detail, ensure_ascii=False),
                "created_at": now(),
                "undone_at": None,
            },
        )

    def action(self, action_id: int) -> ActionRecord:
        row = self._store.query_one("SELECT * FROM actions WHERE id = ?", [action_id])
        if row is None:
            raise NotFoundError(f"no action {action_id}")
        return _action(row)

    def actions(self, limit: int = 50) -> list[ActionRecord]:
        """The latest actions first."""
        rows = self._store.query("SELECT * FROM actions ORDER BY id DESC LIMIT ?", [limit])
        return [_action(r) for r in rows]

    def kept(self, kind: SuggestionKind) -> list[ActionRecord]:
        """Every action of one kind that stands (not undone), oldest first."""
        rows = self._store.query(
            "SELECT * FROM actions WHERE kind = ? AND undone_at IS NULL ORDER BY id", [str(kind)]
        )
        return [_action(r) for r in rows]

    def latest_open(self) -> ActionRecord | None:
        """The latest action not undone yet."""
        row = self._store.query_one(
            "SELECT * FROM actions WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
        )
        return None if row is None else _action(row)

    def mark_undone(self, action_id: int, *, note: str) -> None:
        """Mark an action undone, keeping what its undo did (``detail["undo"]``)."""
        record = self.action(action_id)
        detail = {**record.detail, "undo": note}
        with self._store.atomic() as db:
            db["actions"].update(
                action_id,
                {"undone_at": now(), "detail": json.dumps(detail, ensure_ascii=False)},
            )

    def filed(self, model_version: str) -> list[Filed]:
        """Every file-into still in force, oldest first, with the item's embedding (if any)."""
        rows = self._store.query(
            "SELECT a.item_id, a.detail, i.kind, coalesce(i.user_category, i.category) AS category,"
            " e.vector FROM actions a JOIN items i ON i.id = a.item_id"
            " LEFT JOIN embeddings e ON e.item_id = a.item_id AND e.model_version = ?"
            " WHERE a.kind = ? AND a.undone_at IS NULL ORDER BY a.id",
            [model_version, str(SuggestionKind.FILE_INTO)],
        )
        out = []
        for row in rows:
            folder = json.loads(row["detail"] or "{}").get("folder")
            if folder:
                vector = None if row["vector"] is None else vector_from_blob(row["vector"])
                out.append(
                    Filed(int(row["item_id"]), str(folder), row["kind"], row["category"], vector)
                )
        return out

    # -- items an action moves ---------------------------------------------------

    def source_key(self, item_id: int) -> str:
        """An item's identity key (``file:<path>``, ``msgid:<id>``, ...)."""
        row = self._store.query_one("SELECT source_key FROM items WHERE id = ?", [item_id])
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return str(row["source_key"] or "")

    # -- suggestions an action touches -----------------------------------------

    def reopen_suggestion(self, suggestion_id: int) -> None:
        """An undone action's suggestion is open again (its verdict rows stay as history)."""
        with self._store.atomic() as db:
            db["suggestions"].update(
                suggestion_id, {"state": str(SuggestionState.OPEN), "decided_at": None}
            )

    def update_suggestion(
        self, suggestion_id: int, *, payload: dict[str, str], reason: str | None = None
    ) -> None:
        """Change an open suggestion's payload (and reason): a learned folder, a draft's text."""
        fields: dict[str, Any] = {"payload": json.dumps(payload, ensure_ascii=False)}
        if reason is not None:
            fields["reason"] = reason
        with self._store.atomic() as db:
            db["suggestions"].update(suggestion_id, fields)

    # -- reminders -------------------------------------------------------------

    def add_reminder(self, *, item_id: int, due_at: str, note: str) -> int:
        return _insert(
            self._store,
            "reminders",
            {"item_id": item_id, "due_at": due_at, "note": note, "created_at": now()},
        )

    def reminders(self, *, due_by: str | None = None) -> list[Reminder]:
        """Reminders, soonest first; with ``due_by`` only those due by then."""
        if due_by is None:
            rows = self._store.query("SELECT * FROM reminders ORDER BY due_at, id")
        else:
            rows = self._store.query(
                "SELECT * FROM reminders WHERE due_at <= ? ORDER BY due_at, id", [due_by]
            )
        return [
            Reminder(int(r["id"]), int(r["item_id"]), r["due_at"], r["note"] or "", r["created_at"])
            for r in rows
        ]

    def delete_reminder(self, reminder_id: int) -> bool:
        """Remove a reminder; False if it was gone already."""
        return self._delete("reminders", reminder_id)

    # -- bills -------------------------------------------------------------------

    def add_bill(
        self,
        *,
        item_id: int,
        payee: str,
        amount: float | None,
        currency: str,
        due: str,
        note: str,
    ) -> int:
        return _insert(
            self._store,
            "bills",
            {
                "item_id": item_id,
                "payee": payee,
                "amount": amount,
                "currency": currency,
                "due": due,
                "note": note,
                "created_at": now(),
            },
        )

    def bills(self) -> list[Bill]:
        """Recorded bills, by due date (undated last), then as recorded."""
        rows = self._store.query(
            "SELECT * FROM bills ORDER BY coalesce(nullif(due, ''), '9999'), id"
        )
        return [
            Bill(
                id=int(r["id"]),
                item_id=int(r["item_id"]),
                payee=r["payee"] or "",
                amount=None if r["amount"] is None else float(r["amount"]),
                currency=r["currency"] or "",
                due=r["due"] or "",
                note=r["note"] or "",
                created_at=r["created_at"],
            )
            for r in rows
        ]

    def delete_bill(self, bill_id: int) -> bool:
        return self._delete("bills", bill_id)

    # -- read later ----------------------------------------------------------------

    def add_read_later(self, *, item_id: int) -> int:
        return _insert(self._store, "read_later", {"item_id": item_id, "added_at": now()})

    def read_later(self) -> list[ReadLaterEntry]:
        """The read-later list, oldest first (items gone from disk included)."""
        rows = self._store.query(
            "SELECT r.id, r.item_id, r.added_at, i.title FROM read_later r"
            " JOIN items i ON i.id = r.item_id ORDER BY r.id"
        )
        return [
            ReadLaterEntry(int(r["id"]), int(r["item_id"]), r["title"] or "", r["added_at"])
            for r in rows
        ]

    def delete_read_later(self, entry_id: int) -> bool:
        return self._delete("read_later", entry_id)

    # -- trash -----------------------------------------------------------------------

    def add_trash(self, *, original_path: str, trash_path: str, reason: str) -> int:
        return _insert(
            self._store,
            "trash",
            {
                "original_path": original_path,
                "trash_path": trash_path,
                "reason": reason,
                "trashed_at": now(),
            },
        )

    def set_trash_path(self, entry_id: int, trash_path: str) -> None:
        """Where a trashed file really went (a free name taken meanwhile)."""
        with self._store.atomic() as db:
            db["trash"].update(entry_id, {"trash_path": trash_path})

    def trash(self) -> list[TrashEntry]:
        rows = self._store.query("SELECT * FROM trash ORDER BY id")
        return [
            TrashEntry(
                id=int(r["id"]),
                original_path=r["original_path"],
                trash_path=r["trash_path"],
                reason=r["reason"] or "",
                trashed_at=r["trashed_at"],
            )
            for r in rows
        ]

    def trash_entry(self, entry_id: int) -> TrashEntry:
        for entry in self.trash():
            if entry.id == entry_id:
                return entry
        raise NotFoundError(f"no trash entry {entry_id}")

    def delete_trash(self, entry_id: int) -> bool:
        return self._delete("trash", entry_id)

    def _delete(self, table: str, row_id: int) -> bool:
        with self._store.atomic() as db:
            found = self._store.query_one(f"SELECT id FROM {table} WHERE id = ?", [row_id])
            if found is None:
                return False
            db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])  # one of our tables
            return True
