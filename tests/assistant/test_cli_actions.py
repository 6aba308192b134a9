"""The action commands of the CLI: accept performs, undo, actions, bills, reminders, trash."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from assistant import Sift
from assistant import cli
from assistant.types import SuggestionKind
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_maildir


@pytest.fixture(autouse=True)
def fake_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's Sift with fake models (the commands are what is tested here)."""

    def open_fake(args: argparse.Namespace) -> Sift:
        return Sift(args.data_dir, embedder=FakeEmbedder(), generator=FakeGenerator())

    monkeypatch.setattr(cli, "open_sift", open_fake)


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str, as_json: bool = True) -> object:
    status = cli.main([*args, "--data-dir", str(home), *(["--json"] if as_json else [])])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out) if as_json else captured.out


def test_accept_undo_and_actions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    maildir = write_maildir(
        tmp_path / "Mail", [make_mail("Budget", "Could you send the budget?", message_id="b@x")]
    )
    [item] = run(capsys, home, "ingest", str(maildir), "--no-summaries")
    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
        archive = offer(sift, item["id"], SuggestionKind.ARCHIVE)
    out = run(capsys, home, "accept", str(archive), as_json=False)
    assert f"accepted {archive}: archive" in out and ".Archive" in out
    assert list((maildir / ".Archive").glob("*/*"))
    [logged] = run(capsys, home, "actions")
    assert logged["kind"] == "archive" and logged["undone_at"] is None
    out = run(capsys, home, "undo", as_json=False)
    assert f"undid action {logged['id']}" in out and "moved back" in out
    assert not list((maildir / ".Archive").glob("*/*"))
    status = cli.main(["undo", str(logged["id"]), "--data-dir", str(home)])
    assert status == 2 and "undone already" in capsys.readouterr().err


def test_accept_with_edited_draft(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    maildir = write_maildir(
        tmp_path / "Mail", [make_mail("Budget", "Could you send the budget?", message_id="b@x")]
    )
    [item] = run(capsys, home, "ingest", str(maildir), "--no-summaries")
    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
        reply = offer(sift, item["id"], SuggestionKind.REPLY_DRAFT)
    shown = run(capsys, home, "draft", str(reply), as_json=False)
    assert "Dana" in shown  # the template (the fake model's copy of the mail is refused)
    edited = tmp_path / "reply.txt"
    edited.write_text("Hi Dana, attached. Alex", encoding="utf-8")
    result = run(capsys, home, "accept", str(reply), "--edit-text", str(edited))
    assert result["state"] == "accepted" and result["action"]["detail"]["edited"] is True
    assert Path(result["action"]["detail"]["path"]).read_text().count("Hi Dana, attached.") == 1


def test_bills_reminders_read_later_and_trash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    maildir = write_maildir(
        tmp_path / "Mail",
        [
            make_mail("Invoice", "ACME Corp invoice: $80.00 due by December 5.", message_id="i@x"),
            make_mail("Essay", "A long essay about rivers.", message_id="e@x"),
        ],
    )
    invoice, essay = run(capsys, home, "ingest", str(maildir), "--no-summaries")
    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
        bill = offer(sift, invoice["id"], SuggestionKind.RECORD_BILL)
        later = offer(sift, essay["id"], SuggestionKind.READ_LATER)
    for suggestion in (bill, later):
        run(capsys, home, "accept", str(suggestion))
    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
        follow = offer(sift, invoice["id"], SuggestionKind.FOLLOW_UP, {"days": "0"})
    run(capsys, home, "accept", str(follow))
    out = tmp_path / "bills.csv"
    result = run(capsys, home, "bills", "--csv", str(out))
    assert [b["amount"] for b in result["bills"]] == [80.0]
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["amount"] for r in csv.DictReader(handle)] == ["80.00"]
    assert "80.00" in run(capsys, home, "bills", as_json=False)
    [due] = run(capsys, home, "reminders", "--due")
    assert due["item_id"] == invoice["id"]
    assert run(capsys, home, "reminders", "--dismiss", str(due["id"])) == []
    assert [e["item_id"] for e in run(capsys, home, "read-later")] == [essay["id"]]
    run(capsys, home, "bills", "--csv", str(out))  # the earlier export goes to the trash
    trash = run(capsys, home, "trash", "--purge")
    assert trash["purged"] == [] and [e["original_path"] for e in trash["entries"]] == [str(out)]
    assert "bills.csv" in run(capsys, home, "trash", as_json=False)
