"""The store's signal family: implicit signals, read marks, and the lean rows rankers read.

Implicit signals (opened, dwell seconds, draft used...) live in their own
table, apart from the explicit verdicts of ``feedback``; each keeps the time
and the category model version of the item's prediction when it came. The
recommendation, monitoring and digest modules read through the queries here
rather than loading whole items (their text) for every candidate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.addresses import first_address
from assistant.errors import NotFoundError
from assistant.store import Store
from assistant.store import now
from assistant.store import vector_from_blob
from assistant.types import ImplicitSignal
from assistant.types import SignalKind
from assistant.types import Verdict

# Items that left the inbox one way or another never come back in read next.
_LIVE = (
    "i.state = 'ready' AND coalesce(i.user_junk, i.is_junk, 0) = 0"
    " AND i.parent_id IS NULL AND i.near_duplicate_of IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.item_id = i.id"
    "  AND s.state = 'accepted' AND s.kind IN ('archive', 'mark_junk'))"
    " AND NOT EXISTS (SELECT 1 FROM signals g WHERE g.item_id = i.id AND g.kind = 'moved')"
)
_LEAN = (
    "SELECT i.id, i.kind, i.title, coalesce(i.user_category, i.category) AS category, i.metadata,"
    " i.priority, coalesce(i.item_date, i.created_at) AS date, i.read_at, i.fields"
    " FROM items i"
)


@dataclass(frozen=True, slots=True)
class LeanItem:
    """What the ranker needs of an item, without its text."""

    id: int
    title: str
    category: str | None
    sender: str
    priority: float
    date: str
    read: bool
    fields: dict[str, Any]


def sender_address(metadata: dict[str, str]) -> str:
    """The lower-cased address of a mail's sender (empty for documents)."""
    return first_address(metadata.get("from", ""))[1].lower()


def _lean(row: dict[str, Any]) -> LeanItem:
    try:
        metadata = json.loads(row["metadata"] or "{}")
        fields = json.loads(row["fields"] or "{}")
    except ValueError:
        metadata, fields = {}, {}
    return LeanItem(
        id=int(row["id"]),
        title=row["title"] or "",
        category=row["category"],
        sender=sender_address(metadata),
        priority=float(row["priority"] or 0.0),
        date=row["date"] or "",
        read=bool(row["read_at"]),
        fields=fields if isinstance(fields, dict) else {},
    )


def _signal(row: dict[str, Any]) -> ImplicitSignal:
    return ImplicitSignal(
        id=int(row["id"]),
        item_id=int(row["item_id"]),
        kind=SignalKind(row["kind"]),
        value=float(row["value"]),
        model_version=row["model_version"] or "",
        created_at=row["created_at"],
    )


def without_undone(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Verdict rows (oldest first) less each ``undone`` row and the accept it voids.

    An undo voids the latest accept of the same suggestion before it; an
    accepted, undone and accepted again suggestion keeps its second accept.
    """
    kept: list[dict[str, Any] | None] = []
    open_accepts: dict[object, list[int]] = {}
    for row in rows:
        verdict, suggestion_id = row.get("verdict"), row.get("suggestion_id")
        if verdict == Verdict.UNDONE:
            accepts = open_accepts.get(suggestion_id)
            if suggestion_id is not None and accepts:
                kept[accepts.pop()] = None
            continue
        if verdict == Verdict.ACCEPT and suggestion_id is not None:
            open_accepts.setdefault(suggestion_id, []).append(len(kept))
        kept.append(row)
    return [row for row in kept if row is not None]


class SignalStore:
    """Signal and read-mark queries over one ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- signals -----------------------------------------------------------

    def record(
        self, item_id: int, kind: SignalKind, value: float = 1.0, *, at: str | None = None
    ) -> int:
        """Store one signal (``OPENED`` also marks the item read); returns its id."""
        row = self._store.query_one("SELECT category_model FROM items WHERE id = ?", [item_id])
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        stamp = at or now()
        with self._store.atomic() as db:
            cursor = db.conn.execute(
                "INSERT INTO signals (item_id, kind, value, model_version, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [item_id, str(kind), float(value), row["category_model"] or "", stamp],
            )
            if kind == SignalKind.OPENED:
                db.conn.execute(
                    "UPDATE items SET read_at = ? WHERE id = ? AND read_at IS NULL",
                    [stamp, item_id],
                )
            return int(cursor.lastrowid or 0)

    def forget(self, signal_id: int) -> None:
        """Remove one signal (an action that recorded it was undone)."""
        with self._store.atomic() as db:
            db.conn.execute("DELETE FROM signals WHERE id = ?", [signal_id])

    def signals(self, item_id: int) -> list[ImplicitSignal]:
        """An item's signals, oldest first."""
        rows = self._store.query("SELECT * FROM signals WHERE item_id = ? ORDER BY id", [item_id])
        return [_signal(r) for r in rows]

    def set_read(self, item_id: int, *, read: bool) -> None:
        """Mark an item read (now, unless it was already) or unread."""
        if self._store.query_one("SELECT id FROM items WHERE id = ?", [item_id]) is None:
            raise NotFoundError(f"no item {item_id}")
        with self._store.atomic() as db:
            if read:
                db.conn.execute(
                    "UPDATE items SET read_at = ? WHERE id = ? AND read_at IS NULL",
                    [now(), item_id],
                )
            else:
                db.conn.execute("UPDATE items SET read_at = NULL WHERE id = ?", [item_id])

    # -- what the ranker learns from ------------------------------------------

    def signal_totals(self) -> list[dict[str, Any]]:
        """``item_id, kind, n, top, total`` per item and signal kind."""
        return self._store.query(
            "SELECT item_id, kind, count(*) AS n, max(value) AS top, sum(value) AS total"
            " FROM signals GROUP BY item_id, kind"
        )

    def verdicts(self) -> list[dict[str, Any]]:
        """Every explicit verdict with the kind of the suggestion it decided (if any)."""
        return self._store.query(
            "SELECT f.item_id, f.suggestion_id, f.verdict, f.correction, f.created_at,"
            " s.kind AS action,"
            " coalesce(i.user_category, i.category) AS category"
            " FROM feedback f JOIN items i ON i.id = f.item_id"
            " LEFT JOIN suggestions s ON s.id = f.suggestion_id ORDER BY f.id"
        )

    def _query_in(
        self, sql: str, item_ids: Sequence[int], params: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        """Rows of ``sql`` (its ``{marks}`` an ``IN`` list) for the ids, in chunks of 500.

        SQLite caps the bound parameters of one statement; ids are de-duplicated.
        """
        rows: list[dict[str, Any]] = []
        ids = list(dict.fromkeys(item_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self._store.query(sql.format(marks=marks), [*params, *chunk])
        return rows

    def lean_items(self, item_ids: Sequence[int]) -> list[LeanItem]:
        """Lean rows for the given ids (any state)."""
        return [_lean(r) for r in self._query_in(f"{_LEAN} WHERE i.id IN ({{marks}})", item_ids)]

    def candidates(self, *, limit: int) -> list[LeanItem]:
        """Unseen live items, newest first.

        Unseen: neither read nor passed over (``SKIPPED``); live: not junk,
        gone, archived, moved, a near duplicate or an attachment.
        """
        where = (
            f"{_LIVE} AND i.read_at IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM signals g WHERE g.item_id = i.id AND g.kind = 'skipped')"
        )
        rows = self._store.query(
            f"{_LEAN} WHERE {where} ORDER BY date DESC, i.id DESC LIMIT ?", [limit]
        )
        return [_lean(r) for r in rows]

    def newest_date(self) -> str | None:
        """The date of the newest live item (the ranker's "now" for recency)."""
        row = self._store.query_one(
            "SELECT max(coalesce(item_date, created_at)) AS d FROM items WHERE state = 'ready'"
        )
        return row["d"] if row else None

    # -- embeddings ------------------------------------------------------------

    def embedding_version(self, item_id: int | None = None) -> str | None:
        """The embedding model of one item's vector, or of the newest vector stored."""
        if item_id is None:
            row = self._store.query_one(
                "SELECT model_version FROM embeddings ORDER BY rowid DESC LIMIT 1"
            )
        else:
            row = self._store.query_one(
                "SELECT model_version FROM embeddings WHERE item_id = ?", [item_id]
            )
        return row["model_version"] if row else None

    def vectors(
        self, version: str, item_ids: Sequence[int] | None = None
    ) -> tuple[list[int], np.ndarray]:
        """``(ids, matrix)`` of stored vectors of one model (of live items when no ids)."""
        if item_ids is None:
            rows = self._store.query(
                "SELECT e.item_id, e.vector FROM embeddings e JOIN items i ON i.id = e.item_id"
                f" WHERE e.model_version = ? AND {_LIVE} ORDER BY e.item_id",
                [version],
            )
        else:
            rows = self._query_in(
                "SELECT item_id, vector FROM embeddings"
                " WHERE model_version = ? AND item_id IN ({marks})",
                item_ids,
                [version],
            )
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        matrix = np.stack([vector_from_blob(r["vector"]) for r in rows])
        return [int(r["item_id"]) for r in rows], matrix

    # -- digest ----------------------------------------------------------------

    def low_priority_ids(self, day: str, *, below: float) -> list[int]:
        """Live unread items dated on ``day`` (YYYY-MM-DD) with priority under ``below``."""
        rows = self._store.query(
            f"SELECT i.id FROM items i WHERE {_LIVE} AND i.read_at IS NULL"
            " AND substr(coalesce(i.item_date, i.created_at), 1, 10) = ? AND i.priority < ?"
            " ORDER BY i.priority, i.id",
            [day, below],
        )
        return [int(r["id"]) for r in rows]
