"""SQL for model versions: training rounds, the active version per task, rollback.

A companion of :class:`~assistant.store.Store` for the ``model_versions``
table family (see ``m008_training``). Every training round is one row,
promoted or rejected; at most one row per task is active. Rows are never
deleted, so the history the user sees in ``sift models list`` is complete.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.errors import NotFoundError
from assistant.store import Store
from assistant.store import now
from assistant.types import Decision
from assistant.types import ModelVersion
from assistant.types import Verdict

# Verdicts that are a user-confirmed training example for the category head:
# a label, which a rejection with a correction also writes.
CONFIRMED = (str(Verdict.LABEL),)


def _version(row: dict[str, Any]) -> ModelVersion:
    metrics = json.loads(row["metrics"] or "{}")

    def number(key: str) -> float | None:
        value = metrics.get(key)
        return float(value) if value is not None else None

    return ModelVersion(
        task=row["task"],
        version=row["version"],
        created_at=row["created_at"],
        decision=Decision(row["decision"] or Decision.PROMOTED),
        reason=row["reason"] or "",
        active=bool(row["active"]),
        path=row["path"],
        embedder=row["embedder"] or "",
        trained_on=int(metrics.get("trained_on", 0)),
        held_out=int(metrics.get("held_out", 0)),
        old_accuracy=number("old_accuracy"),
        new_accuracy=number("new_accuracy"),
        metrics={
            k: v
            for k, v in metrics.items()
            if k not in {"trained_on", "held_out", "old_accuracy", "new_accuracy"}
        },
        rolled_back_at=row["rolled_back_at"],
    )


class ModelStore:
    """Model versions over one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        *,
        task: str,
        version: str,
        decision: Decision,
        reason: str,
        path: str | None,
        embedder: str,
        feedback_id: int,
        metrics: dict[str, Any],
    ) -> ModelVersion:
        """Record one training round; a promoted one becomes the task's active version."""
        promoted = decision == Decision.PROMOTED
        with self._store.atomic() as db:
            if promoted:
                db.execute("UPDATE model_versions SET active = 0 WHERE task = ?", [task])
            db["model_versions"].insert(
                {
                    "task": task,
                    "version": version,
                    "path": path,
                    "metrics": json.dumps(metrics),
                    "active": int(promoted),
                    "created_at": now(),
                    "decision": str(decision),
                    "reason": reason,
                    "feedback_id": feedback_id,
                    "embedder": embedder,
                }
            )
        return self.get(task, version)

    def versions(self, task: str | None = None) -> list[ModelVersion]:
        """Every round, oldest first (one task or all)."""
        if task is None:
            rows = self._store.query("SELECT * FROM model_versions ORDER BY id")
        else:
            rows = self._store.query(
                "SELECT * FROM model_versions WHERE task = ? ORDER BY id", [task]
            )
        return [_version(r) for r in rows]

    def get(self, task: str, version: str) -> ModelVersion:
        row = self._store.query_one(
            "SELECT * FROM model_versions WHERE task = ? AND version = ? ORDER BY id DESC LIMIT 1",
            [task, version],
        )
        if row is None:
            raise NotFoundError(f"no {task} version {version!r}")
        return _version(row)

    def active(self, task: str) -> ModelVersion | None:
        row = self._store.query_one(
            "SELECT * FROM model_versions WHERE task = ? AND active = 1 ORDER BY id DESC LIMIT 1",
            [task],
        )
        return _version(row) if row else None

    def servable(self, task: str) -> list[ModelVersion]:
        """Promoted versions with an artefact, the active one first, then newest first.

        The loader walks this list so that an unreadable active artefact falls
        back to the version that served before it.
        """
        rows = self._store.query(
            "SELECT * FROM model_versions WHERE task = ? AND decision = 'promoted'"
            " AND path IS NOT NULL ORDER BY active DESC, id DESC",
            [task],
        )
        return [_version(r) for r in rows]

    def activate(self, task: str, version: str) -> ModelVersion:
        """Make a promoted version serve again; the one serving now is marked rolled back."""
        target = self.get(task, version)
        if target.decision != Decision.PROMOTED or target.path is None:
            raise NotFoundError(f"{task} {version} was {target.decision}: it has no model to serve")
        with self._store.atomic() as db:
            db.execute(
                "UPDATE model_versions SET rolled_back_at = ? WHERE task = ? AND active = 1"
                " AND version != ?",
                [now(), task, version],
            )
            db.execute("UPDATE model_versions SET active = 0 WHERE task = ?", [task])
            db.execute(
                "UPDATE model_versions SET active = 1, rolled_back_at = NULL"
                " WHERE task = ? AND version = ?",
                [task, version],
            )
        return self.get(task, version)

    def deactivate(self, task: str) -> None:
        """Serve no version of a task (the configured model, or none); the active one is
        marked rolled back."""
        with self._store.atomic() as db:
            db.execute(
                "UPDATE model_versions SET rolled_back_at = ?, active = 0"
                " WHERE task = ? AND active = 1",
                [now(), task],
            )

    def next_number(self, task: str) -> int:
        """The number of the next round's version (rounds are numbered per task)."""
        row = self._store.query_one(
            "SELECT count(*) AS n FROM model_versions WHERE task = ?", [task]
        )
        return int(row["n"] if row else 0) + 1

    def last_round(self, task: str) -> tuple[int, str | None]:
        """``(feedback_id, created_at)`` of the task's last round, promoted or not.

        A rejected round counts too: otherwise every new label after a
        rejection would start another round on nearly the same data.
        """
        row = self._store.query_one(
            "SELECT coalesce(feedback_id, 0) AS f, created_at FROM model_versions"
            " WHERE task = ? ORDER BY id DESC LIMIT 1",
            [task],
        )
        return (int(row["f"]), row["created_at"]) if row else (0, None)

    def newest_feedback_id(self) -> int:
        row = self._store.query_one("SELECT coalesce(max(id), 0) AS n FROM feedback")
        return int(row["n"]) if row else 0

    def confirmed_since(self, feedback_id: int) -> int:
        """Confirmed verdicts (labels, corrections) recorded after ``feedback_id``."""
        marks = ", ".join("?" for _ in CONFIRMED)
        row = self._store.query_one(
            f"SELECT count(*) AS n FROM feedback WHERE id > ? AND verdict IN ({marks})",
            [feedback_id, *CONFIRMED],
        )
        return int(row["n"]) if row else 0

    def labelled_texts(self) -> list[tuple[int, str, str]]:
        """``(item_id, category, text)`` of labelled items, in labelling order.

        The encoder fine-tune reads text, not stored vectors: those belong to
        one encoder version.
        """
        rows = self._store.query(
            "SELECT id, user_category AS label, title, text FROM items"
            " WHERE user_category IS NOT NULL ORDER BY labelled_at, id"
        )
        return [(int(r["id"]), str(r["label"]), f"{r['title']}\n{r['text']}") for r in rows]

    def label_times(self) -> dict[int, str]:
        """Item id -> when the user last set its category, for labelled items.

        The time of the newest label verdict, not ``items.labelled_at``, which a
        junk verdict also moves.
        """
        marks = ", ".join("?" for _ in CONFIRMED)
        rows = self._store.query(
            "SELECT i.id, coalesce(max(f.created_at), i.labelled_at) AS labelled_at FROM items i"
            f" LEFT JOIN feedback f ON f.item_id = i.id AND f.verdict IN ({marks})"
            " WHERE i.user_category IS NOT NULL GROUP BY i.id",
            list(CONFIRMED),
        )
        return {int(r["id"]): str(r["labelled_at"] or "") for r in rows}
