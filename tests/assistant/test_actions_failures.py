"""A transaction that fails after an action's disk step: the disk is put back as the rows are."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from assistant import Sift
from assistant.store import Store
from assistant.store_actions import ActionStore
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_maildir
from tests.helpers.mail import write_mbox

NOTE = "Quarterly numbers for the board. Revenue grew four percent."
QUESTION = "Could you send me the revised budget by Friday? We need it for the review."


def fail(*args: Any, **kwargs: Any) -> None:
    del args, kwargs
    raise sqlite3.OperationalError("database is locked")


def test_failed_undo_of_a_move_puts_the_file_forward_again(
    fake_sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN an archived Maildir message WHEN the undo's commit fails THEN file and row agree."""
    maildir = write_maildir(tmp_path / "Mail", [make_mail("Note", NOTE, message_id="n@x")])
    [item] = fake_sift.ingest([maildir], summarize=False)
    record = fake_sift.accept_action(offer(fake_sift, item.id, SuggestionKind.ARCHIVE))
    moved, old = Path(str(record.detail["to"])), Path(str(record.detail["from"]))
    monkeypatch.setattr(ActionStore, "mark_undone", fail)
    with pytest.raises(sqlite3.OperationalError):
        fake_sift.undo(record.id)
    assert moved.is_file() and not old.exists()
    assert fake_sift.item(item.id).source_path == str(moved)
    assert all((maildir / ".Archive" / sub).is_dir() for sub in ("cur", "new", "tmp"))
    monkeypatch.undo()
    fake_sift.undo(record.id)  # and the undo still works once the database does
    assert old.is_file() and not (maildir / ".Archive").exists()


def test_failed_undo_of_a_draft_takes_it_back_out_of_the_trash(
    fake_sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mbox = write_mbox(tmp_path / "in.mbox", [make_mail("Budget", QUESTION, message_id="q@x")])
    [item] = fake_sift.ingest([mbox], summarize=False)
    record = fake_sift.accept_action(offer(fake_sift, item.id, SuggestionKind.REPLY_DRAFT))
    path = Path(str(record.detail["path"]))
    monkeypatch.setattr(ActionStore, "mark_undone", fail)
    with pytest.raises(sqlite3.OperationalError):
        fake_sift.undo(record.id)
    assert path.is_file()
    assert fake_sift.trash() == []
    assert not fake_sift.paths.trash.exists() or list(fake_sift.paths.trash.iterdir()) == []


def test_failed_accept_removes_the_folders_the_move_created(
    fake_sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a failing log write WHEN archived THEN the file is back and no empty .Archive stays."""
    maildir = write_maildir(tmp_path / "Mail", [make_mail("Note", NOTE, message_id="m@x")])
    [item] = fake_sift.ingest([maildir], summarize=False)
    old = Path(item.source_path)
    offered = offer(fake_sift, item.id, SuggestionKind.ARCHIVE)
    monkeypatch.setattr(ActionStore, "add_action", fail)
    with pytest.raises(sqlite3.OperationalError):
        fake_sift.accept(offered)
    assert old.is_file() and not (maildir / ".Archive").exists()
    assert fake_sift.item(item.id).source_path == str(old)
    assert fake_sift.store.suggestion(offered).state == SuggestionState.OPEN


def test_failure_inside_a_rename_leaves_the_file_where_it_was(
    fake_sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the title update failing WHEN renamed THEN the file was not moved (db first)."""
    folder = tmp_path / "scans"
    folder.mkdir()
    scan = folder / "scan0001.txt"
    scan.write_text("ACME Corp\nInvoice 2041 dated 2026-03-14. Amount due: $120.00.")
    [item] = fake_sift.ingest([folder], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.RENAME, {"name": "2026 ACME.txt"})
    original = Store.update_item

    def failing_title(self: Store, item_id: int, **fields: Any) -> None:
        if "title" in fields:
            fail()
        original(self, item_id, **fields)

    monkeypatch.setattr(Store, "update_item", failing_title)
    with pytest.raises(sqlite3.OperationalError):
        fake_sift.accept(offered)
    assert scan.is_file() and not (folder / "2026 ACME.txt").exists()
    assert fake_sift.item(item.id).source_path == str(scan)
