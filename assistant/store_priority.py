"""SQL for learned priority: engagement evidence, per-user model versions, scores.

A companion of ``Store`` (one module per table family): it reads the
feedback and suggestion tables for what the user did with each item, and owns
the ``priority_models`` table of migration m009.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.store import Store
from assistant.store import now


@dataclass(frozen=True, slots=True)
class ItemRow:
    """What priority needs of one stored item (no text, no embedding)."""

    id: int
    kind: str
    metadata: dict[str, str]
    fields: dict[str, Any]
    category: str | None
    is_junk: bool | None
    junk_probability: float
    thread: str
    priority: float


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """What the user's history needs of one stored item: who sent it, to whom."""

    id: int
    kind: str
    sender: str
    to: str
    category: str | None
    thread: str


@dataclass(frozen=True, slots=True)
class StoredModel:
    """An active per-user priority model."""

    version: str
    weights: dict[str, float]
    threshold: float
    examples: int


_INVALID = object()


def _json(value: str | None, default: Any) -> Any:
    decoded = _decoded(value) if value else _INVALID
    return default if decoded is _INVALID else decoded


@functools.lru_cache(maxsize=50_000)
def _decoded(value: str) -> Any:
    # Every learn and rescore reads every ready item's metadata and fields:
    # an unchanged column decodes once. The values are shared: read only.
    try:
        return json.loads(value)
    except ValueError:
        return _INVALID


class PriorityStore:
    """Priority's tables and queries, over one ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def item_rows(self, *, ids: Iterable[int] | None = None) -> list[ItemRow]:
        """Ready mail and documents (all, or only ``ids``), oldest first."""
        sql = (
            "SELECT id, kind, metadata, fields, category, user_category, is_junk, user_junk,"
            " junk_probability, thread_key, priority FROM items WHERE state = 'ready'"
        )
        params: list[Any] = []
        if ids is not None:
            wanted = list(ids)
            if not wanted:
                return []
            sql += f" AND id IN ({', '.join('?' * len(wanted))})"
            params = wanted
        rows = self._store.query(sql + " ORDER BY id", params)
        out = []
        for row in rows:
            junk = row["user_junk"] if row["user_junk"] is not None else row["is_junk"]
            out.append(
                ItemRow(
                    id=int(row["id"]),
                    kind=row["kind"],
                    metadata=_json(row["metadata"], {}),
                    fields=_json(row["fields"], {}),
                    category=row["user_category"] or row["category"],
                    is_junk=None if junk is None else bool(junk),
                    junk_probability=float(row["junk_probability"] or 0.0),
                    thread=row["thread_key"] or "",
                    priority=float(row["priority"] or 0.0),
                )
            )
        return out

    def history_rows(self) -> list[HistoryRow]:
        """Sender, recipients, category and thread of every ready item, oldest first.

        SQLite picks ``from`` and ``to`` out of the metadata: no item's JSON is
        decoded in Python (this runs for every batch classified).
        """
        rows = self._store.query(
            "SELECT id, kind, category, user_category, thread_key,"
            " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.from') END AS sender,"
            " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.to') END AS recipients"
            " FROM items WHERE state = 'ready' ORDER BY id"
        )
        return [
            HistoryRow(
                id=int(row["id"]),
                kind=row["kind"],
                sender=str(row["sender"] or ""),
                to=str(row["recipients"] or ""),
                category=row["user_category"] or row["category"],
                thread=row["thread_key"] or "",
            )
            for row in rows
        ]

    def decided_suggestions(self) -> list[tuple[int, str, str]]:
        """``(item_id, kind, state)`` of every accepted or rejected suggestion."""
        rows = self._store.query(
            "SELECT item_id, kind, state FROM suggestions WHERE state != 'open' ORDER BY id"
        )
        return [(int(r["item_id"]), r["kind"], r["state"]) for r in rows]

    def verdicts(self) -> list[tuple[int, str]]:
        """``(item_id, verdict)`` of the user's labels and junk marks, oldest first."""
        rows = self._store.query(
            "SELECT item_id, verdict FROM feedback"
            " WHERE verdict IN ('label', 'junk', 'not_junk') ORDER BY id"
        )
        return [(int(r["item_id"]), r["verdict"]) for r in rows]

    def thread_sizes(self) -> dict[str, int]:
        """Items per conversation thread."""
        rows = self._store.query(
            "SELECT thread_key, count(*) AS n FROM items"
            " WHERE thread_key IS NOT NULL AND thread_key != '' GROUP BY thread_key"
        )
        return {r["thread_key"]: int(r["n"]) for r in rows}

    def active(self) -> StoredModel | None:
        """The per-user model that serves, if any."""
        row = self._store.query_one(
            "SELECT * FROM priority_models WHERE active = 1 ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            return None
        return StoredModel(
            row["version"], _json(row["weights"], {}), float(row["threshold"]), int(row["examples"])
        )

    def save(
        self,
        *,
        weights: dict[str, float],
        threshold: float,
        examples: int,
        metrics: dict[str, Any],
    ) -> str:
        """Store a new per-user model version as the active one; returns its version."""
        with self._store.atomic() as db:
            row = db.execute("SELECT count(*) FROM priority_models").fetchone()
            version = f"priority-v{int(row[0]) + 1}"
            db.execute("UPDATE priority_models SET active = 0")
            db["priority_models"].insert(
                {
                    "version": version,
                    "weights": json.dumps(weights),
                    "threshold": threshold,
                    "examples": examples,
                    "metrics": json.dumps(metrics),
                    "active": 1,
                    "created_at": now(),
                }
            )
        return version

    def deactivate(self) -> None:
        """Serve the global prior again (too few examples left)."""
        with self._store.atomic() as db:
            db.execute("UPDATE priority_models SET active = 0")

    def versions(self) -> list[dict[str, Any]]:
        """Every per-user model version, oldest first."""
        return self._store.query(
            "SELECT version, threshold, examples, metrics, active, created_at"
            " FROM priority_models ORDER BY id"
        )

    def set_scores(self, scores: Iterable[tuple[int, float, tuple[str, ...]]]) -> None:
        """Write ``(item_id, priority, reasons)`` rows in one transaction."""
        with self._store.atomic() as db:
            db.conn.executemany(
                "UPDATE items SET priority = ?, priority_reasons = ? WHERE id = ?",
                [
                    (score, json.dumps(list(reasons), ensure_ascii=False), item_id)
                    for item_id, score, reasons in scores
                ],
            )
