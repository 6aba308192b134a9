"""Archive, file into and rename: real moves in temp Maildirs, .eml folders and documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Sift
from assistant.actions.folders import choose_folder
from assistant.errors import UserError
from assistant.store_actions import ActionStore
from assistant.types import ItemState
from assistant.types import SignalKind
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import Verdict
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_maildir
from tests.helpers.mail import write_mbox

NOTE = "Quarterly numbers for the board. Revenue grew four percent."


def test_maildir_archive_moves_into_archive_folder_and_undo_moves_back(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN a Maildir message WHEN archived THEN it moves into .Archive; undo moves it back."""
    maildir = write_maildir(tmp_path / "Mail", [make_mail("Note", NOTE, message_id="n@x")])
    [item] = fake_sift.ingest([maildir], summarize=False)
    old = Path(item.source_path)
    suggestion = fake_sift.accept(offer(fake_sift, item.id, SuggestionKind.ARCHIVE))
    assert suggestion.state == SuggestionState.ACCEPTED
    moved = fake_sift.item(item.id)
    target = maildir / ".Archive" / old.parent.name / old.name
    assert not old.exists() and target.is_file()
    assert all((maildir / ".Archive" / sub).is_dir() for sub in ("cur", "new", "tmp"))
    assert moved.source_path == str(target) and moved.metadata["filed_in"] == "Archive"
    # The watcher's rescan and reconcile see a known item at a known place.
    fake_sift.ingest([maildir], summarize=False)
    assert fake_sift.reconcile([maildir]) == []
    assert len(fake_sift.items()) == 1 and fake_sift.item(item.id).state == ItemState.READY
    record = fake_sift.undo()
    assert record.undone and old.is_file() and not (maildir / ".Archive").exists()
    back = fake_sift.item(item.id)
    assert back.source_path == str(old) and "filed_in" not in back.metadata
    assert fake_sift.store.suggestion(suggestion.id).state == SuggestionState.OPEN
    with pytest.raises(UserError, match="undone already"):
        fake_sift.undo(record.id)


def test_maildir_file_into_uses_a_maildir_plus_plus_subfolder(
    fake_sift: Sift, tmp_path: Path
) -> None:
    maildir = write_maildir(tmp_path / "Mail", [make_mail("Bill", NOTE, message_id="b@x")])
    [item] = fake_sift.ingest([maildir], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Documents/Invoices"})
    record = fake_sift.accept_action(offered)
    assert Path(str(record.detail["to"])).parent.parent == maildir / ".Documents.Invoices"
    assert Path(fake_sift.item(item.id).source_path).is_file()


def test_eml_archive_moves_beside_it_without_duplicates(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a loose .eml WHEN archived THEN it is in Archive/ beside it; rescans add nothing."""
    folder = tmp_path / "mail"
    folder.mkdir()
    eml = folder / "note.eml"
    eml.write_bytes(make_mail("Note", NOTE))  # no Message-ID: identity by path and content
    [item] = fake_sift.ingest([folder], summarize=False)
    record = fake_sift.accept_action(offer(fake_sift, item.id, SuggestionKind.ARCHIVE))
    assert (folder / "Archive" / "note.eml").is_file() and not eml.exists()
    assert record.detail["mode"] == "eml"
    fake_sift.ingest([folder], summarize=False)
    assert fake_sift.reconcile([folder]) == []
    assert [i.id for i in fake_sift.items()] == [item.id]
    (folder / "Archive" / "mine.txt").write_text("the user's own file, put there meanwhile")
    fake_sift.undo(record.id)
    assert eml.is_file() and not (folder / "Archive" / "note.eml").exists()
    assert (folder / "Archive" / "mine.txt").is_file()  # a folder in use is kept


def test_mbox_message_is_archived_inside_sift_only(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a message in an mbox WHEN archived THEN the mbox is untouched and the item says so."""
    mbox = write_mbox(tmp_path / "in.mbox", [make_mail("Note", NOTE, message_id="m@x")])
    before = mbox.read_bytes()
    [item] = fake_sift.ingest([mbox], summarize=False)
    record = fake_sift.accept_action(offer(fake_sift, item.id, SuggestionKind.ARCHIVE))
    assert mbox.read_bytes() == before
    assert record.detail["mode"] == "inside" and "not rewritten" in record.summary
    assert fake_sift.item(item.id).metadata["filed_in"] == "Archive"
    fake_sift.undo()
    assert "filed_in" not in fake_sift.item(item.id).metadata


def test_document_moves_into_source_root_folder_never_overwriting(
    fake_sift: Sift, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    (docs / "inbox").mkdir(parents=True)
    paper = docs / "inbox" / "paper.txt"
    paper.write_text(NOTE)
    taken = docs / "Documents" / "Reports" / "paper.txt"
    taken.parent.mkdir(parents=True)
    taken.write_text("someone else's file")
    fake_sift.add_source(docs)
    [item] = fake_sift.ingest([docs / "inbox"], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Documents/Reports"})
    record = fake_sift.accept_action(offered)
    moved = docs / "Documents" / "Reports" / "paper (2).txt"
    assert moved.read_text() == NOTE and taken.read_text() == "someone else's file"
    assert fake_sift.item(item.id).source_path == str(moved)
    fake_sift.ingest([docs], summarize=False)
    assert fake_sift.reconcile([docs]) == []
    assert len(fake_sift.items()) == 2  # the paper and the other file, no duplicate
    fake_sift.undo(record.id)
    assert paper.read_text() == NOTE and not moved.exists() and taken.is_file()


def test_undo_refuses_when_the_world_changed(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a moved file the user moved back WHEN undone THEN a clear error and nothing changes."""
    (tmp_path / "docs").mkdir()
    paper = tmp_path / "docs" / "paper.txt"
    paper.write_text(NOTE)
    [item] = fake_sift.ingest([paper], summarize=False)
    record = fake_sift.accept_action(
        offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Reports"})
    )
    moved = Path(str(record.detail["to"]))
    paper.write_text("a new file where the old one was")
    with pytest.raises(UserError, match="exists again"):
        fake_sift.undo(record.id)
    assert moved.read_text() == NOTE and paper.read_text().startswith("a new file")
    assert not fake_sift.actions()[0].undone
    paper.unlink()
    moved.rename(tmp_path / "elsewhere.txt")  # the user moved it on
    with pytest.raises(UserError, match="not there any more"):
        fake_sift.undo(record.id)
    assert (tmp_path / "elsewhere.txt").read_text() == NOTE


def test_failing_move_leaves_the_suggestion_open_and_records_nothing(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN a destination that cannot be a folder WHEN accepted THEN UserError, no record."""
    folder = tmp_path / "docs"
    folder.mkdir()
    paper = folder / "paper.txt"
    paper.write_text(NOTE)
    (folder / "Archive").write_text("a file where the Archive folder would go")
    [item] = fake_sift.ingest([paper], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.ARCHIVE)
    with pytest.raises(UserError, match="cannot move"):
        fake_sift.accept(offered)
    assert fake_sift.store.suggestion(offered).state == SuggestionState.OPEN
    assert fake_sift.actions() == []
    assert fake_sift.store.feedback(item.id) == []
    assert paper.read_text() == NOTE and fake_sift.item(item.id).source_path == str(paper)


def test_rename_suggested_for_counter_names_and_undone(fake_sift: Sift, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    scan = folder / "scan0001.txt"
    scan.write_text("ACME Corp\nInvoice 2041 dated 2026-03-14. Amount due: $120.00.")
    (folder / "meeting notes.txt").write_text(NOTE)
    items = {i.title: i for i in fake_sift.ingest([folder], summarize=False)}
    kinds = {s.kind: s for s in fake_sift.suggestions(items["scan0001.txt"].id)}
    assert SuggestionKind.RENAME not in {
        s.kind for s in fake_sift.suggestions(items["meeting notes.txt"].id)
    }
    name = kinds[SuggestionKind.RENAME].payload["name"]
    assert name.startswith("2026-03-14 ") and "ACME Corp" in name and name.endswith(".txt")
    (folder / name).write_text("already there")
    record = fake_sift.accept_action(kinds[SuggestionKind.RENAME].id)
    renamed = Path(str(record.detail["to"]))
    assert renamed.name == name.replace(".txt", " (2).txt") and not scan.exists()
    assert fake_sift.item(items["scan0001.txt"].id).title == renamed.name
    assert (folder / name).read_text() == "already there"
    fake_sift.undo(record.id)
    assert scan.is_file() and fake_sift.item(items["scan0001.txt"].id).title == "scan0001.txt"


def test_file_into_folder_is_learned_from_the_users_choice(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN the user filed one tax letter under Taxes WHEN a near-identical one waits
    THEN its open file-into suggestion points at Taxes, with the reason."""
    folder = tmp_path / "docs"
    folder.mkdir()
    text = "Tax assessment for the year 2025 from the revenue office, reference 7781."
    (folder / "a.txt").write_text(text)
    (folder / "b.txt").write_text(text + " Second copy.")
    first, second = fake_sift.ingest([folder], summarize=False)
    pending = offer(fake_sift, second.id, SuggestionKind.FILE_INTO, {"folder": "Documents"})
    chosen = offer(fake_sift, first.id, SuggestionKind.FILE_INTO, {"folder": "Documents"})
    fake_sift.accept(chosen, edited_text="Taxes")
    assert (folder / "Taxes" / "a.txt").is_file()
    verdicts = [f.verdict for f in fake_sift.store.feedback(first.id)]
    assert Verdict.FOLDER in verdicts and Verdict.ACCEPT in verdicts
    refreshed = fake_sift.store.suggestion(pending)
    assert refreshed.payload["folder"] == "Taxes" and "similar item" in refreshed.reason
    assert choose_folder(fake_sift.store, second, "fake-embedder@1") is not None
    fake_sift.undo()
    assert choose_folder(fake_sift.store, second, "fake-embedder@1") is None


def test_same_category_majority_decides_when_no_neighbour_is_close(
    fake_sift: Sift, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    texts = [
        "Electricity supplier statement for October, meter 4471.",
        "Plumbing repair work order, kitchen sink, two hours labour.",
        "Annual membership renewal of the rowing club, thank you.",
    ]
    for number, text in enumerate(texts):
        (folder / f"{number}.txt").write_text(text)
    items = fake_sift.ingest([folder], summarize=False)
    for item in items:
        fake_sift.label(item.id, "invoice")
    for item in items[:2]:
        offered = offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Documents"})
        fake_sift.accept(offered, edited_text="Bills")
    chosen = choose_folder(fake_sift.store, fake_sift.item(items[2].id), "fake-embedder@1")
    assert chosen == ("Bills", "2 invoice items went there")


def test_attachment_items_follow_their_mail(fake_sift: Sift, tmp_path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Dana Lee <dana@example.com>"
    message["To"] = "alex@example.com"
    message["Subject"] = "Minutes"
    message["Message-ID"] = "<att@x>"
    message.set_content("Minutes attached.")
    message.add_attachment(
        b"Minutes of the board meeting. Decisions: ship it.",
        maintype="text",
        subtype="plain",
        filename="minutes.txt",
    )
    folder = tmp_path / "mail"
    folder.mkdir()
    eml = folder / "minutes.eml"
    eml.write_bytes(bytes(message))
    mail = next(i for i in fake_sift.ingest([eml], summarize=False) if i.parent_id is None)
    [child] = fake_sift.attachments(mail.id)
    record = fake_sift.accept_action(offer(fake_sift, mail.id, SuggestionKind.ARCHIVE))
    moved = folder / "Archive" / "minutes.eml"
    assert fake_sift.item(child.id).source_path == f"{moved}#minutes.txt"
    fake_sift.undo(record.id)
    assert fake_sift.item(child.id).source_path == f"{eml}#minutes.txt"


def test_a_moved_document_edited_later_stays_one_item(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a filed document WHEN the user edits it at its new place THEN the same item updates."""
    folder = tmp_path / "docs"
    folder.mkdir()
    paper = folder / "paper.txt"
    paper.write_text(NOTE)
    [item] = fake_sift.ingest([folder], summarize=False)
    record = fake_sift.accept_action(
        offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Reports"})
    )
    moved = Path(str(record.detail["to"]))
    moved.write_text(NOTE + " Costs fell two percent.")
    fake_sift.ingest([folder], summarize=False)
    assert [i.id for i in fake_sift.items()] == [item.id]
    assert "Costs fell" in fake_sift.item(item.id).text


def test_filing_records_a_moved_signal_until_undone(fake_sift: Sift, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    paper = tmp_path / "docs" / "paper.txt"
    paper.write_text(NOTE)
    [item] = fake_sift.ingest([paper], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Reports"})
    record = fake_sift.accept_action(offered)
    assert [s.kind for s in fake_sift.signals(item.id)] == [SignalKind.MOVED]
    fake_sift.undo(record.id)
    assert fake_sift.signals(item.id) == []


def test_users_folder_with_a_dot_stays_one_maildir_folder(fake_sift: Sift, tmp_path: Path) -> None:
    maildir = write_maildir(tmp_path / "Mail", [make_mail("Spec", NOTE, message_id="v@x")])
    [item] = fake_sift.ingest([maildir], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Projects"})
    record = fake_sift.accept_action(offered, edited_text="Projects/v1.2")
    assert Path(str(record.detail["to"])).parent.parent == maildir / ".Projects.v1_2"
    assert not (maildir / ".Projects.v1").exists()


@pytest.mark.parametrize("edited", ["../../outside", "/tmp/elsewhere", "~/Documents"])
def test_users_folder_outside_the_source_is_refused(
    fake_sift: Sift, tmp_path: Path, edited: str
) -> None:
    (tmp_path / "docs").mkdir()
    paper = tmp_path / "docs" / "paper.txt"
    paper.write_text(NOTE)
    [item] = fake_sift.ingest([paper], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.FILE_INTO, {"folder": "Reports"})
    with pytest.raises(UserError, match="not a usable folder name"):
        fake_sift.accept_action(offered, edited_text=edited)
    assert paper.is_file() and sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "paper.txt"
    ]


@pytest.mark.parametrize(("edited", "name"), [("CON", "CON_.txt"), ("nul.txt", "nul_.txt")])
def test_users_reserved_file_name_is_suffixed(
    fake_sift: Sift, tmp_path: Path, edited: str, name: str
) -> None:
    (tmp_path / "docs").mkdir()
    scan = tmp_path / "docs" / "scan0001.txt"
    scan.write_text(NOTE)
    [item] = fake_sift.ingest([scan], summarize=False)
    offered = offer(fake_sift, item.id, SuggestionKind.RENAME, {"name": "Notes.txt"})
    record = fake_sift.accept_action(offered, edited_text=edited)
    assert Path(str(record.detail["to"])).name == name


def test_refreshing_open_suggestions_loads_the_filings_once(
    fake_sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN several open file-into suggestions WHEN one item is filed THEN one load of filings."""
    folder = tmp_path / "docs"
    folder.mkdir()
    text = "Tax assessment for the year 2025 from the revenue office, reference 7781."
    for number in range(4):
        (folder / f"{number}.txt").write_text(text + " Second copy." * number)
    first, *others = fake_sift.ingest([folder], summarize=False)
    pending = [offer(fake_sift, o.id, SuggestionKind.FILE_INTO, {"folder": "Docs"}) for o in others]
    chosen = offer(fake_sift, first.id, SuggestionKind.FILE_INTO, {"folder": "Docs"})
    calls: list[str] = []
    original = ActionStore.filed

    def counted(self: ActionStore, model_version: str) -> list:
        calls.append(model_version)
        return original(self, model_version)

    monkeypatch.setattr(ActionStore, "filed", counted)
    fake_sift.accept(chosen, edited_text="Taxes")
    assert len(calls) == 1
    assert len(pending) == 3  # three suggestions refreshed from that one load
    assert fake_sift.store.suggestion(pending[0]).payload["folder"] == "Taxes"
