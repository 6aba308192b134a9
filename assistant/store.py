"""The SQLite store: every table, every query, and the row <-> dataclass edge.

One file database in WAL mode, opened through sqlite-utils with migrations
applied at start. The connection may be used from several threads (the GUI's
workers), so every call takes the store's lock; SQLite itself serialises
writers across processes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlite_utils import Database

from assistant.errors import NotFoundError
from assistant.errors import UserError
from assistant.fields import Fields
from assistant.migrations import MIGRATIONS
from assistant.types import Category
from assistant.types import Feedback
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import Summary
from assistant.types import Verdict


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (sortable)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime | None:
    """A stored ISO time as an aware datetime (UTC when it has no zone); None if unreadable."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def vector_from_blob(blob: bytes) -> np.ndarray:
    """A stored embedding (float32 bytes) as a read-only array over the blob."""
    return np.frombuffer(blob, dtype=np.float32)


def _loads(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _summary(row: dict[str, Any]) -> Summary | None:
    raw = _loads(row.get("summary"), None)
    if not raw:
        return None
    return Summary(
        one_line=str(raw.get("one_line", "")),
        key_points=tuple(raw.get("key_points", ())),
        action_items=tuple(raw.get("action_items", ())),
        extractive=bool(raw.get("extractive", False)),
        model_version=str(raw.get("model_version", "")),
        notes=tuple(raw.get("notes", ())),
    )


def summary_json(summary: Summary) -> str:
    """Serialise a summary for the items table."""
    return json.dumps(
        {
            "one_line": summary.one_line,
            "key_points": list(summary.key_points),
            "action_items": list(summary.action_items),
            "extractive": summary.extractive,
            "model_version": summary.model_version,
            "notes": list(summary.notes),
        },
        ensure_ascii=False,
    )


def _item(row: dict[str, Any]) -> Item:
    junk = row.get("user_junk")
    if junk is None:
        junk = row.get("is_junk")
    return Item(
        id=int(row["id"]),
        kind=ItemKind(row["kind"]),
        source_path=row["source_path"] or "",
        title=row["title"] or "",
        text=row["text"] or "",
        state=ItemState(row["state"]),
        content_hash=row["content_hash"] or "",
        metadata=_loads(row.get("metadata"), {}),
        language=row.get("language") or "other",
        category=row.get("user_category") or row.get("category"),
        confidence=1.0 if row.get("user_category") else float(row.get("confidence") or 0.0),
        category_clues=tuple(_loads(row.get("category_clues"), [])),
        user_category=row.get("user_category"),
        is_junk=None if junk is None else bool(junk),
        junk_probability=float(row.get("junk_probability") or 0.0),
        junk_clues=tuple(_loads(row.get("junk_clues"), [])),
        priority=float(row.get("priority") or 0.0),
        summary=_summary(row),
        error=row.get("error"),
        created_at=row["created_at"],
        date=row.get("item_date") or row["created_at"],
        thread=row.get("thread_key") or "",
        parent_id=row.get("parent_id"),
        near_duplicate_of=row.get("near_duplicate_of"),
        fields=Fields.from_json(_loads(row["fields"], {})) if row.get("fields") else None,
        read=bool(row.get("read_at")),
        priority_reasons=tuple(_loads(row.get("priority_reasons"), [])),
    )


def _suggestion(row: dict[str, Any]) -> Suggestion:
    return Suggestion(
        id=int(row["id"]),
        item_id=int(row["item_id"]),
        kind=SuggestionKind(row["kind"]),
        reason=row["reason"],
        confidence=float(row["confidence"]),
        model_version=row["model_version"],
        state=SuggestionState(row["state"]),
        payload=_loads(row.get("payload"), {}),
    )


def _feedback(row: dict[str, Any]) -> Feedback:
    return Feedback(
        id=int(row["id"]),
        item_id=int(row["item_id"]),
        suggestion_id=row.get("suggestion_id"),
        verdict=Verdict(row["verdict"]),
        correction=row.get("correction"),
        model_version=row["model_version"] or "",
        input_hash=row["input_hash"] or "",
        created_at=row["created_at"],
    )


class Store:
    """Sift's database.

    Args:
        path: the database file (created if missing), or ``None`` for memory.
    """

    def __init__(self, path: Path | None) -> None:
        try:
            if path is None:
                conn = sqlite3.connect(":memory:", check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        except sqlite3.Error as error:
            raise UserError(f"cannot open database {path}: {error}") from error
        self._lock = threading.RLock()
        self.db = Database(conn)
        if path is not None:
            self.db.enable_wal()
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA synchronous = NORMAL")
        try:
            MIGRATIONS.apply(self.db)
        except sqlite3.DatabaseError as error:
            raise UserError(f"database {path} is damaged or locked: {error}") from error

    # -- plumbing --------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A write transaction (a savepoint when nested), under the store's lock.

        The outermost one is ``BEGIN IMMEDIATE``: it takes the write lock at
        once, waiting up to the busy timeout. A deferred ``BEGIN`` that reads
        first fails at once with "database is locked" when another process
        (the trainer, a second ``sift`` command) committed in between, since
        WAL cannot upgrade a stale read snapshot.
        """
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:
                with self.db.atomic():
                    yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with self._lock:
            self.db.close()

    def integrity_ok(self) -> bool:
        """``PRAGMA integrity_check`` says ok."""
        with self._lock:
            return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a read query as dicts, under the store's lock.

        For the store's companion modules (one per table family); the rest of
        the app calls typed methods, never SQL.
        """
        with self._lock:
            cursor = self.db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of :meth:`query`, or ``None``."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    # -- meta ------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", [key])
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.atomic() as db:
            db["meta"].upsert({"key": key, "value": value}, pk="key")

    # -- sources ---------------------------------------------------------

    def add_source(self, kind: str, path: str) -> int:
        with self.atomic() as db:
            existing = self.query_one("SELECT id FROM sources WHERE path = ?", [path])
            if existing:
                return int(existing["id"])
            table = db["sources"]
            table.insert({"kind": kind, "path": path, "added_at": now(), "paused": 0, "state": ""})
            return int(table.last_pk)  # type: ignore[union-attr, arg-type]

    def sources(self) -> list[dict[str, Any]]:
        return self.query("SELECT id, kind, path, added_at, paused, state FROM sources ORDER BY id")

    def remove_source(self, source_id: int) -> None:
        with self.atomic() as db:
            if not self.query_one("SELECT id FROM sources WHERE id = ?", [source_id]):
                raise NotFoundError(f"no source {source_id}")
            db.execute("UPDATE items SET source_id = NULL WHERE source_id = ?", [source_id])
            db.execute("DELETE FROM sources WHERE id = ?", [source_id])

    def set_source_paused(self, source_id: int, *, paused: bool) -> None:
        """Pause (not watched) or resume a source."""
        with self.atomic() as db:
            if not self.query_one("SELECT id FROM sources WHERE id = ?", [source_id]):
                raise NotFoundError(f"no source {source_id}")
            db.execute("UPDATE sources SET paused = ? WHERE id = ?", [int(paused), source_id])

    def quoted_text(self, item_id: int) -> str:
        """The quoted reply text split off an item's mail text ("" if none)."""
        row = self.query_one("SELECT quoted FROM items WHERE id = ?", [item_id])
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return str(row["quoted"] or "")

    # -- items -----------------------------------------------------------

    def find_item(self, *, source_key: str, content_hash: str) -> int | None:
        """An existing item with this key or (for exact duplicates) this content."""
        row = self.query_one(
            "SELECT id FROM items WHERE source_key = ? OR (content_hash = ? AND content_hash != '')"
            " ORDER BY id LIMIT 1",
            [source_key, content_hash],
        )
        return int(row["id"]) if row else None

    def insert_item(self, record: dict[str, Any]) -> int:
        """Insert an item row and its pending job in one transaction.

        Plain SQL rather than ``Table.insert``: this runs once per message on
        ingest, and sqlite-utils' per-call introspection cost more than the
        insert itself.
        """
        stamp = now()
        record = {"created_at": stamp, "updated_at": stamp, **record}
        columns = list(record)
        sql = f"INSERT INTO items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        with self.atomic() as db:
            cursor = db.conn.execute(sql, [record[c] for c in columns])
            item_id = int(cursor.lastrowid or 0)
            if record.get("state") == ItemState.PENDING:
                db.conn.execute(
                    "INSERT INTO jobs (item_id, stage, created_at, attempts)"
                    " VALUES (?, 'classify', ?, 0)",
                    [item_id, stamp],
                )
            return item_id

    def update_item(self, item_id: int, **fields: Any) -> None:
        fields["updated_at"] = now()
        with self.atomic() as db:
            db["items"].update(item_id, fields)

    def user_junk(self, item_id: int) -> bool | None:
        """The user's own junk verdict for an item (``Item.is_junk`` merges in the model's)."""
        row = self.query_one("SELECT user_junk FROM items WHERE id = ?", [item_id])
        value = row["user_junk"] if row else None
        return None if value is None else bool(value)

    def item(self, item_id: int) -> Item:
        row = self.query_one("SELECT * FROM items WHERE id = ?", [item_id])
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return _item(row)

    def items(self, *, limit: int | None = None, state: ItemState | None = None) -> list[Item]:
        """Items newest first (by the mail's date or the file's time, then by id)."""
        sql = "SELECT * FROM items"
        params: list[Any] = []
        if state is not None:
            sql += " WHERE state = ?"
            params.append(str(state))
        else:
            sql += " WHERE state != 'gone'"
        sql += " ORDER BY item_date DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_item(row) for row in self.query(sql, params)]

    def search(self, query: str, *, limit: int = 100) -> list[Item]:
        """Items matching a full-text query, best match first.

        The query is taken as plain words (each quoted), so user input can
        never be read as FTS syntax.
        """
        words = [w.replace('"', '""') for w in query.split() if w.strip()]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        rows = self.query(
            "SELECT items.* FROM items JOIN items_fts ON items_fts.rowid = items.id"
            " WHERE items_fts MATCH ? ORDER BY items_fts.rank LIMIT ?",
            [match, limit],
        )
        return [_item(row) for row in rows]

    def file_items_under(self, root: str) -> list[tuple[int, str]]:
        """``(id, path)`` of live items read from files below a folder (or that file)."""
        prefix = root.rstrip("/") + "/"
        rows = self.query(
            "SELECT id, source_path FROM items WHERE state != 'gone'"
            " AND source_path NOT LIKE '%#%'"
            " AND (source_path = ? OR substr(source_path, 1, ?) = ?)",
            [root, len(prefix), prefix],
        )
        return [(int(r["id"]), r["source_path"]) for r in rows]

    def mark_gone(self, item_ids: Sequence[int]) -> None:
        """Files deleted from disk: their items leave the lists and the queue."""
        with self.atomic() as db:
            for item_id in item_ids:
                db.execute("DELETE FROM jobs WHERE item_id = ?", [item_id])
                db.execute(
                    "DELETE FROM suggestions WHERE item_id = ? AND state = 'open'", [item_id]
                )
                db["items"].update(item_id, {"state": str(ItemState.GONE), "updated_at": now()})

    def thread_items(self, thread_key: str) -> list[Item]:
        """Every item of one conversation, oldest first."""
        rows = self.query(
            "SELECT * FROM items WHERE thread_key = ? ORDER BY item_date, id", [thread_key]
        )
        return [_item(row) for row in rows]

    def children(self, parent_id: int) -> list[Item]:
        """Items read from one mail's attachments."""
        rows = self.query("SELECT * FROM items WHERE parent_id = ? ORDER BY id", [parent_id])
        return [_item(row) for row in rows]

    def simhash_candidates(self, bands: Sequence[int], kind: str) -> list[tuple[int, list[int]]]:
        """Items of one kind sharing at least one SimHash band, with their four bands."""
        rows = self.query(
            "SELECT id, simhash0, simhash1, simhash2, simhash3 FROM items WHERE kind = ? AND ("
            "simhash0 = ? OR simhash1 = ? OR simhash2 = ? OR simhash3 = ?) ORDER BY id LIMIT 50",
            [kind, *bands],
        )
        return [
            (int(r["id"]), [int(r[f"simhash{b}"]) for b in range(4)])
            for r in rows
            if r["simhash0"] is not None
        ]

    def item_count(self) -> int:
        row = self.query_one("SELECT count(*) AS n FROM items")
        return int(row["n"]) if row else 0

    def item_ids_by_keys(self, keys: Sequence[str]) -> list[int]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.query(f"SELECT id FROM items WHERE source_key IN ({marks})", list(keys))
        return [int(r["id"]) for r in rows]

    def set_embedding(self, item_id: int, vector: np.ndarray, model_version: str) -> None:
        with self.atomic() as db:
            db["embeddings"].upsert(
                {
                    "item_id": item_id,
                    "model_version": model_version,
                    "dim": int(vector.shape[0]),
                    "vector": np.asarray(vector, dtype=np.float32).tobytes(),
                },
                pk="item_id",
            )

    def embedding(self, item_id: int, model_version: str) -> np.ndarray | None:
        row = self.query_one(
            "SELECT vector FROM embeddings WHERE item_id = ? AND model_version = ?",
            [item_id, model_version],
        )
        return None if row is None else vector_from_blob(row["vector"]).copy()

    def labelled_embeddings(self, model_version: str) -> list[tuple[int, str, np.ndarray, str]]:
        """``(item_id, category, vector, title)`` for every item the user labelled."""
        rows = self.query(
            "SELECT i.id, i.user_category AS label, i.title, e.vector, i.labelled_at"
            " FROM items i JOIN embeddings e ON e.item_id = i.id"
            " WHERE i.user_category IS NOT NULL AND e.model_version = ?"
            " ORDER BY i.labelled_at, i.id",
            [model_version],
        )
        return [
            (int(r["id"]), str(r["label"]), vector_from_blob(r["vector"]), r["title"]) for r in rows
        ]

    # -- work queue ------------------------------------------------------

    def pending_jobs(self, stage: str, limit: int = 64) -> list[int]:
        """Item ids waiting at ``stage`` (``classify`` or ``summarize``), oldest first."""
        rows = self.query(
            "SELECT item_id FROM jobs WHERE stage = ? ORDER BY id LIMIT ?", [stage, limit]
        )
        return [int(r["item_id"]) for r in rows]

    def advance_job(self, item_id: int, stage: str, **fields: Any) -> None:
        """Store an item's results and move its job to the next stage, atomically."""
        fields["updated_at"] = now()
        with self.atomic() as db:
            db["items"].update(item_id, fields)
            db.execute("UPDATE jobs SET stage = ? WHERE item_id = ?", [stage, item_id])

    def job_count(self) -> int:
        row = self.query_one("SELECT count(*) AS n FROM jobs")
        return int(row["n"]) if row else 0

    def finish_job(self, item_id: int, **fields: Any) -> None:
        """Store an item's results and drop its job, atomically."""
        fields["updated_at"] = now()
        with self.atomic() as db:
            db["items"].update(item_id, fields)
            db.execute("DELETE FROM jobs WHERE item_id = ?", [item_id])

    def requeue(self, item_id: int) -> None:
        """Put an item back on the queue (retry after an error)."""
        with self.atomic() as db:
            db.execute("DELETE FROM jobs WHERE item_id = ?", [item_id])
            db["jobs"].insert(
                {"item_id": item_id, "stage": "classify", "created_at": now(), "attempts": 0}
            )
            db["items"].update(item_id, {"state": str(ItemState.PENDING), "error": None})

    def bump_attempts(self, item_id: int) -> int:
        with self.atomic() as db:
            db.execute("UPDATE jobs SET attempts = attempts + 1 WHERE item_id = ?", [item_id])
        row = self.query_one("SELECT attempts FROM jobs WHERE item_id = ?", [item_id])
        return int(row["attempts"]) if row else 0

    # -- suggestions -----------------------------------------------------

    def replace_suggestions(self, item_id: int, rows: Sequence[dict[str, Any]]) -> None:
        """Swap an item's open suggestions for new ones (decided ones stay)."""
        with self.atomic() as db:
            db.execute(
                "DELETE FROM suggestions WHERE item_id = ? AND state = ?",
                [item_id, str(SuggestionState.OPEN)],
            )
            decided = {
                r["kind"]
                for r in self.query("SELECT kind FROM suggestions WHERE item_id = ?", [item_id])
            }
            stamp = now()
            fresh = [
                {**row, "item_id": item_id, "state": str(SuggestionState.OPEN), "created_at": stamp}
                for row in rows
                if row["kind"] not in decided
            ]
            if fresh:
                db["suggestions"].insert_all(fresh)

    def suggestions(
        self, item_id: int | None = None, *, state: SuggestionState | None = None
    ) -> list[Suggestion]:
        clauses: list[str] = []
        params: list[Any] = []
        if item_id is not None:
            clauses.append("item_id = ?")
            params.append(item_id)
        if state is not None:
            clauses.append("state = ?")
            params.append(str(state))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.query(f"SELECT * FROM suggestions{where} ORDER BY item_id DESC, id", params)
        return [_suggestion(r) for r in rows]

    def suggestion(self, suggestion_id: int) -> Suggestion:
        row = self.query_one("SELECT * FROM suggestions WHERE id = ?", [suggestion_id])
        if row is None:
            raise NotFoundError(f"no suggestion {suggestion_id}")
        return _suggestion(row)

    def decide_suggestion(self, suggestion_id: int, state: SuggestionState) -> None:
        with self.atomic() as db:
            db["suggestions"].update(suggestion_id, {"state": str(state), "decided_at": now()})

    # -- feedback --------------------------------------------------------

    def add_feedback(
        self,
        *,
        item_id: int,
        verdict: Verdict,
        model_version: str,
        input_hash: str,
        suggestion_id: int | None = None,
        correction: str | None = None,
    ) -> int:
        with self.atomic() as db:
            table = db["feedback"]
            table.insert(
                {
                    "item_id": item_id,
                    "suggestion_id": suggestion_id,
                    "verdict": str(verdict),
                    "correction": correction,
                    "model_version": model_version,
                    "input_hash": input_hash,
                    "created_at": now(),
                }
            )
            return int(table.last_pk)  # type: ignore[union-attr, arg-type]

    def feedback(self, item_id: int | None = None) -> list[Feedback]:
        if item_id is None:
            rows = self.query("SELECT * FROM feedback ORDER BY id")
        else:
            rows = self.query("SELECT * FROM feedback WHERE item_id = ? ORDER BY id", [item_id])
        return [_feedback(r) for r in rows]

    def label_count(self) -> int:
        """How many category labels the user has given."""
        row = self.query_one("SELECT count(*) AS n FROM feedback WHERE verdict = 'label'")
        return int(row["n"]) if row else 0

    # -- categories ------------------------------------------------------

    def categories(self, kind: ItemKind | None = None) -> list[Category]:
        if kind is None:
            rows = self.query("SELECT * FROM categories ORDER BY kind, position, name")
        else:
            rows = self.query(
                "SELECT * FROM categories WHERE kind = ? ORDER BY position, name", [str(kind)]
            )
        return [Category(r["name"], r["description"] or "", ItemKind(r["kind"])) for r in rows]

    def upsert_category(self, category: Category) -> None:
        with self.atomic() as db:
            existing = self.query_one(
                "SELECT position FROM categories WHERE name = ?", [category.name]
            )
            position = (
                existing["position"]
                if existing
                else int(
                    (self.query_one("SELECT max(position) AS p FROM categories") or {}).get("p")
                    or 0
                )
                + 1
            )
            db["categories"].upsert(
                {
                    "name": category.name,
                    "description": category.description,
                    "kind": str(category.kind),
                    "position": position,
                },
                pk="name",
            )

    def rename_category(self, old: str, new: str) -> None:
        with self.atomic() as db:
            if not self.query_one("SELECT name FROM categories WHERE name = ?", [old]):
                raise NotFoundError(f"no category {old!r}")
            if self.query_one("SELECT name FROM categories WHERE name = ?", [new]):
                raise UserError(f"category {new!r} exists already")
            db.execute("UPDATE categories SET name = ? WHERE name = ?", [new, old])
            db.execute("UPDATE items SET user_category = ? WHERE user_category = ?", [new, old])
            db.execute("UPDATE items SET category = ? WHERE category = ?", [new, old])

    def delete_category(self, name: str) -> None:
        with self.atomic() as db:
            db.execute("DELETE FROM categories WHERE name = ?", [name])
            db.execute("UPDATE items SET user_category = NULL WHERE user_category = ?", [name])

    # -- junk token counts -------------------------------------------------

    def token_counts(self, tokens: Sequence[str]) -> dict[str, tuple[int, int]]:
        """``token -> (junk count, ham count)`` for the given tokens."""
        out: dict[str, tuple[int, int]] = {}
        unique = list(dict.fromkeys(tokens))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.query(
                f"SELECT token, junk, ham FROM junk_tokens WHERE token IN ({marks})", chunk
            ):
                out[row["token"]] = (int(row["junk"]), int(row["ham"]))
        return out

    def add_token_counts(self, tokens: Sequence[str], *, junk: bool, delta: int = 1) -> None:
        column = "junk" if junk else "ham"
        unique = list(dict.fromkeys(tokens))
        with self.atomic() as db:
            db.conn.executemany(
                f"INSERT INTO junk_tokens (token, junk, ham) VALUES (?, ?, ?)"
                f" ON CONFLICT(token) DO UPDATE SET {column} = max(0, {column} + ?)",
                [
                    (t, max(delta, 0) if junk else 0, 0 if junk else max(delta, 0), delta)
                    for t in unique
                ],
            )
            key = f"junk_messages_{column}"
            current = int(self.get_meta(key, "0") or 0)
            db["meta"].upsert({"key": key, "value": str(max(0, current + delta))}, pk="key")

    # -- stats -------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        """Numbers for ``sift stats``."""

        def scalar(sql: str, params: Sequence[Any] = ()) -> int:
            row = self.query_one(sql, params)
            return int(next(iter(row.values())) or 0) if row else 0

        return {
            "items": scalar("SELECT count(*) FROM items"),
            "mail": scalar("SELECT count(*) FROM items WHERE kind = 'mail'"),
            "documents": scalar("SELECT count(*) FROM items WHERE kind = 'document'"),
            "errors": scalar("SELECT count(*) FROM items WHERE state = 'error'"),
            "pending": scalar("SELECT count(*) FROM jobs"),
            "junk": scalar("SELECT count(*) FROM items WHERE coalesce(user_junk, is_junk) = 1"),
            "suggestions_open": scalar("SELECT count(*) FROM suggestions WHERE state = 'open'"),
            "suggestions_accepted": scalar(
                "SELECT count(*) FROM suggestions WHERE state = 'accepted'"
            ),
            "suggestions_rejected": scalar(
                "SELECT count(*) FROM suggestions WHERE state = 'rejected'"
            ),
            "feedback": scalar("SELECT count(*) FROM feedback"),
            "sources": scalar("SELECT count(*) FROM sources"),
            "by_category": {
                r["category"]: int(r["n"])
                for r in self.query(
                    "SELECT coalesce(user_category, category, 'unsure') AS category,"
                    " count(*) AS n FROM items WHERE state = 'ready'"
                    " GROUP BY 1 ORDER BY 2 DESC"
                )
            },
        }
