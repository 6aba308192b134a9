"""The SQLite store: migrations, WAL, integrity, dedup keys, provenance."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from assistant.migrations import MIGRATIONS
from assistant.store import Store
from assistant.types import ItemState
from assistant.types import Verdict


def _item(key: str, digest: str) -> dict[str, object]:
    return {
        "source_key": key,
        "kind": "mail",
        "source_path": "x",
        "title": "t",
        "text": "body",
        "metadata": "{}",
        "content_hash": digest,
        "item_date": "2026-11-20",
        "state": str(ItemState.PENDING),
    }


def test_file_database_uses_wal_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "sift.db"
    store = Store(path)
    assert store.db.journal_mode == "wal"
    applied = [m.name for m in MIGRATIONS.applied(store.db)]
    store.close()
    again = Store(path)
    assert [m.name for m in MIGRATIONS.applied(again.db)] == applied
    assert {"items", "sources", "suggestions", "feedback", "model_versions", "jobs"} <= set(
        again.db.table_names()
    )
    assert again.integrity_ok()
    assert again.categories()  # default categories were seeded


def test_insert_item_queues_a_job_atomically() -> None:
    store = Store(None)
    item_id = store.insert_item(_item("k1", "h1"))
    assert store.pending_jobs("classify") == [item_id]
    store.advance_job(item_id, "summarize", state=str(ItemState.READY))
    assert store.pending_jobs("classify") == [] and store.pending_jobs("summarize") == [item_id]
    store.finish_job(item_id, summary=None)
    assert store.job_count() == 0


def test_find_item_by_key_or_content() -> None:
    store = Store(None)
    item_id = store.insert_item(_item("k1", "h1"))
    assert store.find_item(source_key="k1", content_hash="other") == item_id
    assert store.find_item(source_key="k2", content_hash="h1") == item_id
    assert store.find_item(source_key="k2", content_hash="") is None


def test_feedback_keeps_provenance() -> None:
    store = Store(None)
    item_id = store.insert_item(_item("k1", "h1"))
    store.add_feedback(
        item_id=item_id,
        verdict=Verdict.LABEL,
        model_version="m@1",
        input_hash="h1",
        correction="finance",
    )
    (row,) = store.feedback(item_id)
    assert (row.verdict, row.model_version, row.input_hash, row.correction) == (
        Verdict.LABEL,
        "m@1",
        "h1",
        "finance",
    )
    assert row.created_at


def test_junk_token_counts_never_go_negative() -> None:
    store = Store(None)
    store.add_token_counts(["a", "b"], junk=True)
    store.add_token_counts(["a"], junk=True, delta=-1)
    store.add_token_counts(["a"], junk=True, delta=-1)
    assert store.token_counts(["a", "b"]) == {"a": (0, 0), "b": (1, 0)}


def test_a_write_transaction_survives_another_process_committing_meanwhile(
    tmp_path: Path,
) -> None:
    """GIVEN two connections to one file (the app and the trainer) WHEN one reads,
    then writes, while the other commits in between THEN neither fails: the first
    holds the write lock from its BEGIN, the second waits for it."""
    path = tmp_path / "sift.db"
    first, second = Store(path), Store(path)
    try:
        with first.atomic() as db:
            first.get_meta("k")  # a read first: a deferred BEGIN would now hold a snapshot
            other = threading.Thread(target=lambda: second.set_meta("k", "second"))
            other.start()
            time.sleep(0.3)  # the second connection tries to commit now
            db["meta"].upsert({"key": "k", "value": "first"}, pk="key")
        other.join(timeout=30)
        assert not other.is_alive()
        assert first.get_meta("k") == second.get_meta("k") == "second"
    finally:
        first.close()
        second.close()
