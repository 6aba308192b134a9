"""The command line, on a real store and the real embedder (no LLM calls)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import cli
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

pytestmark = pytest.mark.integration


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> object:
    status = cli.main([*args, "--data-dir", str(home), "--json"])
    out = capsys.readouterr().out
    assert status == 0, out
    return json.loads(out)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return write_mbox(
        tmp_path / "inbox.mbox",
        [
            make_mail(
                "Invoice 77", "Invoice 77: amount due $80.00 by December 5.", message_id="i@x"
            ),
            make_mail("Lunch?", "Are you free for lunch on Friday?", message_id="l@x"),
            make_mail(
                "You WON",
                "Congratulations! You won the lottery, claim your prize now!",
                message_id="s@x",
            ),
        ],
    )


def test_full_cli_loop(capsys: pytest.CaptureFixture[str], tmp_path: Path, inbox: Path) -> None:
    home = tmp_path / "home"
    items = run(capsys, home, "ingest", str(inbox), "--no-summaries")
    assert [i["title"] for i in items] == ["Invoice 77", "Lunch?", "You WON"]
    listed = run(capsys, home, "items")
    assert len(listed) == 3 and "text" not in listed[0]
    first = items[0]["id"]
    shown = run(capsys, home, "show", str(first))
    assert shown["text"].startswith("Invoice 77") and shown["suggestions"]
    suggestions = run(capsys, home, "suggestions")
    assert {s["item_id"] for s in suggestions} == {i["id"] for i in items}
    accepted = run(capsys, home, "accept", str(suggestions[0]["id"]))
    assert accepted["state"] == "accepted"
    rejected = run(capsys, home, "reject", str(suggestions[1]["id"]), "--correct", "personal")
    assert rejected["state"] == "rejected"
    labelled = run(capsys, home, "label", str(first), "finance")
    assert labelled["category"] == "finance" and labelled["user_category"] == "finance"
    junk = run(capsys, home, "junk", str(items[2]["id"]))
    assert junk["is_junk"] is True
    not_junk = run(capsys, home, "not-junk", str(items[1]["id"]))
    assert not_junk["is_junk"] is False
    report = run(capsys, home, "train")
    assert report["task"] == "category" and report["promoted"] is False
    found = run(capsys, home, "search", "lottery", "prize")
    assert [i["title"] for i in found] == ["You WON"]
    stats = run(capsys, home, "stats")
    assert stats["items"] == 3 and stats["feedback"] >= 5


def test_sources_and_categories(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, inbox: Path
) -> None:
    home = tmp_path / "home"
    sources = run(capsys, home, "sources", "add", str(inbox))
    assert sources[0]["kind"] == "mbox"
    assert run(capsys, home, "sources", "remove", str(sources[0]["id"])) == []
    categories = run(capsys, home, "categories", "add", "travel", "--description", "Trips")
    assert any(c["name"] == "travel" for c in categories)
    categories = run(capsys, home, "categories", "rename", "travel", "trips")
    assert any(c["name"] == "trips" for c in categories)


def test_user_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status = cli.main(["show", "12345", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip() == "sift: no item 12345"


def test_watch_ingests_new_files_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    home = tmp_path / "home"
    watched = tmp_path / "inbox"
    watched.mkdir()
    (watched / "first.txt").write_text("The first note.")
    sift = [sys.executable, "-m", "assistant.cli"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run(
        [*sift, "sources", "add", str(watched), "--data-dir", str(home)],
        check=True,
        env=env,
        capture_output=True,
    )
    process = subprocess.Popen(
        [*sift, "watch", "--no-summaries", "--data-dir", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        assert process.stderr is not None and process.stdout is not None
        while "watching" not in process.stderr.readline():
            assert time.monotonic() < deadline, "watch never started"
        (watched / "second.txt").write_text("A second note arrives while watching.")
        line = process.stdout.readline()
        assert "second.txt" in line
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in err
