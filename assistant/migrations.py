"""Schema migrations, applied in order at start (sqlite-utils ``Migrations``).

Never edit an applied migration: add ``m00N_...`` below it.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from assistant.categories import DEFAULT_CATEGORIES

MIGRATIONS = Migrations("sift")


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """Sources, items, jobs, suggestions, feedback, categories, models, junk tokens."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["sources"].create(
        {"id": int, "kind": str, "path": str, "added_at": str, "paused": int, "state": str},
        pk="id",
    )
    db["sources"].create_index(["path"], unique=True)
    db["items"].create(
        {
            "id": int,
            "source_id": int,
            "source_key": str,  # stable identity: Message-ID, or file path / mbox position
            "kind": str,
            "source_path": str,
            "title": str,
            "text": str,
            "quoted": str,
            "metadata": str,  # JSON object of strings
            "language": str,
            "content_hash": str,
            "item_date": str,  # the mail's Date or the file's mtime, ISO 8601
            "state": str,
            "error": str,
            "category": str,
            "confidence": float,
            "category_clues": str,  # JSON list
            "category_model": str,
            "user_category": str,
            "labelled_at": str,
            "is_junk": int,
            "junk_probability": float,
            "junk_clues": str,
            "junk_model": str,
            "user_junk": int,
            "priority": float,
            "summary": str,  # JSON Summary
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
    )
    db["items"].create_index(["source_key"], unique=True)
    db["items"].create_index(["content_hash"])
    db["items"].create_index(["item_date"])
    db["jobs"].create(
        {"id": int, "item_id": int, "stage": str, "created_at": str, "attempts": int},
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["jobs"].create_index(["item_id"], unique=True)
    db["embeddings"].create(
        {"item_id": int, "model_version": str, "dim": int, "vector": bytes},
        pk="item_id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["suggestions"].create(
        {
            "id": int,
            "item_id": int,
            "kind": str,
            "reason": str,
            "confidence": float,
            "model_version": str,
            "state": str,
            "payload": str,
            "created_at": str,
            "decided_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["suggestions"].create_index(["item_id"])
    db["feedback"].create(
        {
            "id": int,
            "item_id": int,
            "suggestion_id": int,
            "verdict": str,
            "correction": str,
            "model_version": str,
            "input_hash": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id"), ("suggestion_id", "suggestions", "id")],
    )
    db["categories"].create(
        {"name": str, "description": str, "kind": str, "position": int}, pk="name"
    )
    db["model_versions"].create(
        {
            "id": int,
            "task": str,
            "version": str,
            "path": str,
            "metrics": str,
            "active": int,
            "created_at": str,
        },
        pk="id",
    )
    db["junk_tokens"].create({"token": str, "junk": int, "ham": int}, pk="token")


@MIGRATIONS()
def m002_default_categories(db: Database) -> None:
    """The starting mail categories and document types (the user may edit them)."""
    db["categories"].insert_all(
        [
            {
                "name": category.name,
                "description": category.description,
                "kind": str(category.kind),
                "position": position,
            }
            for position, category in enumerate(DEFAULT_CATEGORIES)
        ]
    )


@MIGRATIONS()
def m003_threads_attachments_near_duplicates(db: Database) -> None:
    """Conversation threads, attachment children and near-duplicate flags."""
    items = db["items"]
    items.add_column("thread_key", str)  # type: ignore[union-attr]
    items.add_column("parent_id", int)  # type: ignore[union-attr]
    items.add_column("near_duplicate_of", int)  # type: ignore[union-attr]
    for band in range(4):
        items.add_column(f"simhash{band}", int)  # type: ignore[union-attr]
        items.create_index([f"simhash{band}"])  # type: ignore[union-attr]
    items.create_index(["thread_key"])  # type: ignore[union-attr]
    items.create_index(["parent_id"])  # type: ignore[union-attr]


@MIGRATIONS()
def m004_full_text_search(db: Database) -> None:
    """Full-text search over titles and text (FTS5, kept current by triggers)."""
    db["items"].enable_fts(  # type: ignore[union-attr]
        ["title", "text"], fts_version="FTS5", create_triggers=True, tokenize="unicode61"
    )


@MIGRATIONS()
def m005_fields(db: Database) -> None:
    """Deterministically extracted fields (dates, amounts, people, requests), as JSON."""
    db["items"].add_column("fields", str)  # type: ignore[union-attr]


@MIGRATIONS()
def m006_actions(db: Database) -> None:
    """The action log (for undo), reminders, bills, the read-later list and Sift's trash."""
    db["actions"].create(
        {
            "id": int,
            "kind": str,
            "item_id": int,
            "suggestion_id": int,
            "summary": str,
            "detail": str,  # JSON: from/to paths, written files, row ids
            "created_at": str,
            "undone_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id"), ("suggestion_id", "suggestions", "id")],
    )
    db["actions"].create_index(["item_id"])
    db["reminders"].create(
        {
            "id": int,
            "item_id": int,
            "due_at": str,
            "note": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["reminders"].create_index(["due_at"])
    db["bills"].create(
        {
            "id": int,
            "item_id": int,
            "payee": str,
            "amount": float,
            "currency": str,
            "due": str,
            "note": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["read_later"].create(
        {"id": int, "item_id": int, "added_at": str},
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["trash"].create(
        {"id": int, "original_path": str, "trash_path": str, "reason": str, "trashed_at": str},
        pk="id",
    )


@MIGRATIONS()
def m007_signals(db: Database) -> None:
    """Implicit signals (opened, dwell, draft used...) apart from verdicts; read marks."""
    db["signals"].create(
        {
            "id": int,
            "item_id": int,
            "kind": str,
            "value": float,
            "model_version": str,  # the item's category model when the signal came
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db["signals"].create_index(["item_id"])
    db["signals"].create_index(["created_at"])
    db["items"].add_column("read_at", str)  # type: ignore[union-attr]


@MIGRATIONS()
def m008_training(db: Database) -> None:
    """Every training round is a row: promoted or rejected, why, on what data, from which encoder.

    ``feedback_id`` is the newest feedback row the round saw, so the scheduler
    counts new confirmed verdicts since the last round. Rows written before
    this migration were all promotions.
    """
    table = db["model_versions"]
    table.add_column("decision", str)  # type: ignore[union-attr]
    table.add_column("reason", str)  # type: ignore[union-attr]
    table.add_column("feedback_id", int)  # type: ignore[union-attr]
    table.add_column("embedder", str)  # type: ignore[union-attr]
    table.add_column("rolled_back_at", str)  # type: ignore[union-attr]
    table.create_index(["task", "active"])  # type: ignore[union-attr]
    db.execute("UPDATE model_versions SET decision = 'promoted' WHERE decision IS NULL")


@MIGRATIONS()
def m009_priority(db: Database) -> None:
    """Learned priority: per-user model versions, and each item's priority reasons."""
    db["items"].add_column("priority_reasons", str)  # type: ignore[union-attr]
    db["priority_models"].create(
        {
            "id": int,
            "version": str,
            "weights": str,  # JSON: feature name -> per-user weight
            "threshold": float,  # score above which an item is "important"
            "examples": int,
            "metrics": str,  # JSON
            "active": int,
            "created_at": str,
        },
        pk="id",
    )


@MIGRATIONS()
def m010_versions(db: Database) -> None:
    """Versions of every learned model: junk-filter snapshots, per-encoder vectors.

    ``junk_learned`` is what the live junk filter has learned per item (the
    side whose tokens it counted), so a rollback can restore it with the
    counts and a later verdict knows what to unlearn; until now it was always
    the item's ``user_junk``. ``junk_snapshot_*`` copy the counts and that map
    per snapshot. ``embedding_archive`` keeps the vectors of encoders that no
    longer serve, so a rollback restores them instead of embedding again.
    """
    db["junk_learned"].create({"item_id": int, "junk": int}, pk="item_id")
    db.execute(
        "INSERT INTO junk_learned (item_id, junk)"
        " SELECT id, user_junk FROM items WHERE user_junk IS NOT NULL"
    )
    db["junk_snapshot_tokens"].create(
        {"snapshot": str, "token": str, "junk": int, "ham": int}, pk=("snapshot", "token")
    )
    db["junk_snapshot_learned"].create(
        {"snapshot": str, "item_id": int, "junk": int}, pk=("snapshot", "item_id")
    )
    db["embedding_archive"].create(
        {"item_id": int, "model_version": str, "dim": int, "vector": bytes},
        pk=("item_id", "model_version"),
    )
    db["embedding_archive"].create_index(["model_version"])  # type: ignore[union-attr]
