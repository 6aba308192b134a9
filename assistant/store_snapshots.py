"""SQL for model snapshots: junk-filter counts per version, and vectors per encoder.

A companion of :class:`~assistant.store.Store` for the tables of
``m010_versions``. The junk filter's state is its token counts, its message
counts (``meta``) and what it learned per item (``junk_learned``); a snapshot
copies all three. Vectors of an encoder that stops serving go to
``embedding_archive`` so that rolling back to it restores them.
"""

from __future__ import annotations

from assistant.store import Store
from assistant.types import Verdict

JUNK_VERDICTS = (str(Verdict.JUNK), str(Verdict.NOT_JUNK))
MESSAGES = ("junk_messages_junk", "junk_messages_ham")


class SnapshotStore:
    """Junk snapshots and archived vectors over one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- what the live junk filter learned ------------------------------------

    def learned(self, item_id: int) -> bool | None:
        """The side the live filter counted for an item's tokens (None: nothing)."""
        row = self._store.query_one("SELECT junk FROM junk_learned WHERE item_id = ?", [item_id])
        return None if row is None or row["junk"] is None else bool(row["junk"])

    def set_learned(self, item_id: int, *, junk: bool | None) -> None:
        with self._store.atomic() as db:
            if junk is None:
                db.execute("DELETE FROM junk_learned WHERE item_id = ?", [item_id])
            else:
                db["junk_learned"].upsert({"item_id": item_id, "junk": int(junk)}, pk="item_id")

    def learned_count(self) -> int:
        """Items whose verdict the live filter has learned."""
        row = self._store.query_one("SELECT count(*) AS n FROM junk_learned")
        return int(row["n"]) if row else 0

    def unlearned_verdicts(self) -> list[tuple[int, bool, bool | None]]:
        """``(item_id, verdict, learned)`` where the filter did not learn the user's verdict."""
        rows = self._store.query(
            "SELECT i.id, i.user_junk AS verdict, l.junk AS learned FROM items i"
            " LEFT JOIN junk_learned l ON l.item_id = i.id"
            " WHERE i.user_junk IS NOT NULL AND (l.junk IS NULL OR l.junk != i.user_junk)"
            " ORDER BY i.id"
        )
        return [
            (
                int(r["id"]),
                bool(r["verdict"]),
                None if r["learned"] is None else bool(r["learned"]),
            )
            for r in rows
        ]

    # -- verdicts -------------------------------------------------------------

    def verdicts_since(self, feedback_id: int) -> list[tuple[int, bool, int]]:
        """``(item_id, junk, feedback_id)`` of junk verdicts in force given after ``feedback_id``.

        One per item (its newest junk verdict, which matches ``user_junk``),
        oldest first.
        """
        marks = ", ".join("?" for _ in JUNK_VERDICTS)
        rows = self._store.query(
            "SELECT f.item_id, i.user_junk AS junk, max(f.id) AS fid FROM feedback f"
            " JOIN items i ON i.id = f.item_id"
            f" WHERE f.verdict IN ({marks}) AND i.user_junk IS NOT NULL"
            " GROUP BY f.item_id HAVING max(f.id) > ? ORDER BY fid",
            [*JUNK_VERDICTS, feedback_id],
        )
        return [(int(r["item_id"]), bool(r["junk"]), int(r["fid"])) for r in rows]

    def verdict_count_since(self, feedback_id: int) -> int:
        """Junk verdict rows recorded after ``feedback_id`` (for the snapshot schedule)."""
        marks = ", ".join("?" for _ in JUNK_VERDICTS)
        row = self._store.query_one(
            f"SELECT count(*) AS n FROM feedback WHERE id > ? AND verdict IN ({marks})",
            [feedback_id, *JUNK_VERDICTS],
        )
        return int(row["n"]) if row else 0

    # -- junk snapshots ---------------------------------------------------------

    def messages(self) -> tuple[int, int]:
        """The live filter's ``(junk, ham)`` message counts."""
        junk, ham = (int(self._store.get_meta(key, "0") or 0) for key in MESSAGES)
        return junk, ham

    def copy_junk(self, snapshot: str) -> None:
        """Copy the live counts and learned map under ``snapshot`` (inside a transaction)."""
        with self._store.atomic() as db:
            db.execute("DELETE FROM junk_snapshot_tokens WHERE snapshot = ?", [snapshot])
            db.execute("DELETE FROM junk_snapshot_learned WHERE snapshot = ?", [snapshot])
            db.execute(
                "INSERT INTO junk_snapshot_tokens (snapshot, token, junk, ham)"
                " SELECT ?, token, junk, ham FROM junk_tokens WHERE junk > 0 OR ham > 0",
                [snapshot],
            )
            db.execute(
                "INSERT INTO junk_snapshot_learned (snapshot, item_id, junk)"
                " SELECT ?, item_id, junk FROM junk_learned",
                [snapshot],
            )

    def restore_junk(self, snapshot: str, messages: tuple[int, int]) -> None:
        """Make a snapshot's counts, message counts and learned map the live ones."""
        with self._store.atomic() as db:
            db.execute("DELETE FROM junk_tokens")
            db.execute(
                "INSERT INTO junk_tokens (token, junk, ham)"
                " SELECT token, junk, ham FROM junk_snapshot_tokens WHERE snapshot = ?",
                [snapshot],
            )
            db.execute("DELETE FROM junk_learned")
            db.execute(
                "INSERT INTO junk_learned (item_id, junk)"
                " SELECT item_id, junk FROM junk_snapshot_learned WHERE snapshot = ?",
                [snapshot],
            )
            for key, value in zip(MESSAGES, messages, strict=True):
                db["meta"].upsert({"key": key, "value": str(value)}, pk="key")

    def has_junk(self, snapshot: str) -> bool:
        row = self._store.query_one(
            "SELECT 1 AS x FROM junk_snapshot_tokens WHERE snapshot = ? LIMIT 1", [snapshot]
        )
        return row is not None

    def snapshot_counts(self, snapshot: str, tokens: list[str]) -> dict[str, tuple[int, int]]:
        """``token -> (junk, ham)`` in a snapshot, for the given tokens."""
        out: dict[str, tuple[int, int]] = {}
        unique = list(dict.fromkeys(tokens))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._store.query(
                "SELECT token, junk, ham FROM junk_snapshot_tokens"
                f" WHERE snapshot = ? AND token IN ({marks})",
                [snapshot, *chunk],
            ):
                out[row["token"]] = (int(row["junk"]), int(row["ham"]))
        return out

    def drop_junk(self, snapshots: list[str]) -> None:
        """Delete the copies of old snapshots (their rows stay, without a path)."""
        with self._store.atomic() as db:
            for snapshot in snapshots:
                db.execute("DELETE FROM junk_snapshot_tokens WHERE snapshot = ?", [snapshot])
                db.execute("DELETE FROM junk_snapshot_learned WHERE snapshot = ?", [snapshot])
                db.execute(
                    "UPDATE model_versions SET path = NULL WHERE task = 'junk' AND version = ?",
                    [snapshot],
                )

    # -- vectors per encoder ------------------------------------------------------

    def archive_vectors(self, model_version: str) -> int:
        """Keep a copy of every stored vector of one encoder version; how many."""
        with self._store.atomic() as db:
            cursor = db.execute(
                "INSERT OR REPLACE INTO embedding_archive (item_id, model_version, dim, vector)"
                " SELECT item_id, model_version, dim, vector FROM embeddings"
                " WHERE model_version = ?",
                [model_version],
            )
            return max(0, cursor.rowcount)

    def restore_vectors(self, model_version: str) -> int:
        """Serve the archived vectors of one encoder version again; how many."""
        with self._store.atomic() as db:
            cursor = db.execute(
                "INSERT OR REPLACE INTO embeddings (item_id, model_version, dim, vector)"
                " SELECT item_id, model_version, dim, vector FROM embedding_archive"
                " WHERE model_version = ?",
                [model_version],
            )
            return max(0, cursor.rowcount)

    def prune_archive(self, keep: int) -> list[str]:
        """Drop archived vectors of all but the ``keep`` most recently archived versions."""
        rows = self._store.query(
            "SELECT model_version FROM embedding_archive GROUP BY model_version"
            " ORDER BY max(rowid) DESC"
        )
        old = [str(r["model_version"]) for r in rows[keep:]]
        if old:
            with self._store.atomic() as db:
                for version in old:
                    db.execute("DELETE FROM embedding_archive WHERE model_version = ?", [version])
        return old
