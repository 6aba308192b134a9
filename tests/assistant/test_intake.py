"""Intake: threads, attachments as child items, near-duplicates, identity."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from assistant import Sift
from assistant.intake import thread_key
from assistant.neardup import distance
from assistant.neardup import simhash
from assistant.types import ItemKind
from assistant.types import ItemState
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

BODY = (
    "The quarterly planning meeting covers budget, hiring and the roadmap for next year. "
    "Please bring your team's numbers and a list of open risks to discuss with everyone."
)


def test_thread_key_is_the_root_of_the_references_chain() -> None:
    assert thread_key({"references": "root@x mid@x", "in_reply_to": "mid@x"}, "k") == "root@x"
    assert thread_key({"in_reply_to": "root@x"}, "k") == "root@x"
    assert thread_key({"message_id": "self@x"}, "k") == "self@x"
    assert thread_key({}, "fallback") == "fallback"


def test_replies_join_their_conversation_in_any_order(fake_sift: Sift, tmp_path: Path) -> None:
    root = make_mail("Plan", BODY, message_id="root@x", day=1)
    reply = make_mail(
        "Re: Plan",
        "Sounds good, see you there.",
        message_id="r1@x",
        day=2,
        headers={"In-Reply-To": "<root@x>", "References": "<root@x>"},
    )
    second = make_mail(
        "Re: Plan",
        "Adding Sam to the thread.",
        message_id="r2@x",
        day=3,
        headers={"In-Reply-To": "<r1@x>", "References": "<root@x> <r1@x>"},
    )
    other = make_mail("Other", "Unrelated note about lunch.", message_id="o@x", day=2)
    items = fake_sift.ingest(
        [write_mbox(tmp_path / "a.mbox", [second, other, reply, root])], summarize=False
    )
    by_id = {i.metadata["message_id"]: i for i in items}
    thread = fake_sift.thread(by_id["r2@x"].id)
    assert [i.metadata["message_id"] for i in thread] == ["root@x", "r1@x", "r2@x"]
    assert fake_sift.thread(by_id["o@x"].id) == [fake_sift.item(by_id["o@x"].id)]


def _with_attachments() -> bytes:
    message = EmailMessage()
    message["From"] = "dana@example.com"
    message["To"] = "alex@example.com"
    message["Subject"] = "Notes and photo"
    message["Message-ID"] = "<att@x>"
    message.set_content("See the attached notes.")
    message.add_attachment(
        b"Meeting notes: decisions on the launch date.",
        maintype="text",
        subtype="plain",
        filename="../../notes.txt",
    )
    message.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="p.png")
    message.add_attachment(
        b"%PDF-1.4 broken", maintype="application", subtype="pdf", filename="broken.pdf"
    )
    return bytes(message)


def test_readable_attachments_become_child_items(fake_sift: Sift, tmp_path: Path) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(_with_attachments())
    parent = fake_sift.ingest([eml], summarize=False)[0]
    assert "notes.txt" in parent.metadata["attachments"]
    children = fake_sift.attachments(parent.id)
    by_name = {Path(c.source_path.split("#", 1)[1]).name: c for c in children}
    assert set(by_name) == {"notes.txt", "broken.pdf"}  # the image is not a text format
    notes = by_name["notes.txt"]
    assert notes.kind == ItemKind.DOCUMENT and notes.parent_id == parent.id
    assert notes.state == ItemState.READY and "launch date" in notes.text
    assert ".." not in notes.source_path.split("#", 1)[1]  # sanitised name
    assert by_name["broken.pdf"].state == ItemState.ERROR
    fake_sift.ingest([eml], summarize=False)  # again: nothing new
    assert len(fake_sift.attachments(parent.id)) == 2


def test_near_duplicates_are_flagged_not_merged(fake_sift: Sift, tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text(BODY * 3)
    second = tmp_path / "b.txt"
    second.write_text(BODY * 3 + " Thanks.")
    third = tmp_path / "c.txt"
    third.write_text("An entirely different document about cooking rice with vegetables and tofu.")
    a, b, c = fake_sift.ingest([first, second, third], summarize=False)
    assert b.id != a.id and b.near_duplicate_of == a.id
    assert c.near_duplicate_of is None


def test_simhash_is_close_for_small_edits_and_none_for_short_text() -> None:
    long_text = BODY * 4
    assert distance(simhash(long_text), simhash(long_text + " Thanks!")) <= 3  # type: ignore[arg-type]
    assert simhash("too short") is None


def test_renamed_file_keeps_its_identity(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN an ingested file WHEN it is renamed and ingested again THEN same item, new path,
    and no new summary is written."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(BODY)
    first = fake_sift.ingest([folder], summarize=True)[0]
    calls = len(fake_sift.pipeline.summarizer._generator.calls)  # type: ignore[union-attr]
    (folder / "a.txt").rename(folder / "renamed.txt")
    second = fake_sift.ingest([folder], summarize=True)[0]
    assert second.id == first.id
    assert second.source_path.endswith("renamed.txt")
    assert len(fake_sift.pipeline.summarizer._generator.calls) == calls  # type: ignore[union-attr]
    assert len(fake_sift.items()) == 1


def test_deleted_files_are_reconciled_as_gone(fake_sift: Sift, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "keep.txt").write_text("Keep me around.")
    (folder / "drop.txt").write_text("Delete me later.")
    items = {i.title: i for i in fake_sift.ingest([folder], summarize=False)}
    (folder / "drop.txt").unlink()
    assert fake_sift.reconcile([folder]) == [items["drop.txt"].id]
    assert [i.title for i in fake_sift.items()] == ["keep.txt"]
    assert fake_sift.item(items["drop.txt"].id).state == ItemState.GONE
    assert fake_sift.suggestions(items["drop.txt"].id) == []
    (tmp_path / "docs" / "drop.txt").write_text("Delete me later.")  # restored
    fake_sift.ingest([folder], summarize=False)
    assert fake_sift.item(items["drop.txt"].id).state == ItemState.READY


def test_retry_reads_an_error_item_again(fake_sift: Sift, tmp_path: Path) -> None:
    path = tmp_path / "later.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    item = fake_sift.ingest([path], summarize=False)[0]
    assert item.state == ItemState.ERROR
    path.unlink()
    (tmp_path / "later.txt").write_text("unrelated")
    import pytest

    from assistant.errors import UserError

    with pytest.raises(UserError, match="gone"):
        fake_sift.retry(item.id)


def test_maildir_flags_become_metadata(fake_sift: Sift, tmp_path: Path) -> None:
    import mailbox

    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    seen = mailbox.MaildirMessage(make_mail("Seen", "Already read this one.", message_id="s@x"))
    seen.set_subdir("cur")
    seen.set_flags("RS")
    box.add(seen)
    box.add(mailbox.MaildirMessage(make_mail("New", "Fresh mail here.", message_id="n@x")))
    box.close()
    items = {i.title: i for i in fake_sift.ingest([tmp_path / "Maildir"], summarize=False)}
    assert items["Seen"].metadata["maildir_flags"] == "RS"
    assert items["Seen"].metadata["seen"] == "yes" and items["Seen"].metadata["replied"] == "yes"
    assert items["New"].metadata["maildir_folder"] == "new"
    assert "seen" not in items["New"].metadata


def test_symlink_loop_and_vanished_file_never_stop_a_scan(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a folder with a symlink loop and a file that vanishes before it is read
    WHEN scanned THEN the scan ends, the vanished file is an error item, the rest is read."""
    from assistant.sources import scan

    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "keep.txt").write_text("A note that stays.")
    gone = root / "gone.txt"
    gone.write_text("About to vanish.")
    entries = list(scan(root, max_bytes=1_000_000))  # listing only; nothing read yet
    gone.unlink()
    ids = [fake_sift.intake.store(entry) for entry in entries]
    items = {fake_sift.item(i).source_path.rsplit("/", 1)[-1]: fake_sift.item(i) for i in ids}
    assert set(items) == {"keep.txt", "gone.txt"}
    assert items["gone.txt"].state == ItemState.ERROR
    assert "No such file" in (items["gone.txt"].error or "")
    assert items["keep.txt"].state == ItemState.PENDING
