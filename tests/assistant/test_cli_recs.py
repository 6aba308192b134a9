"""The signal, recommendation, monitoring and digest commands (store prepared with fakes).

None of these commands loads a model, so the CLI runs here on a store that a
fake-model ``Sift`` filled.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Sift
from assistant import cli
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.mail import make_mail


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    inbox = tmp_path / "in"
    inbox.mkdir()
    mails = [
        ("Budget forecast", "budget forecast revenue spreadsheet quarter", 20),
        ("Budget totals", "revenue budget quarter spreadsheet totals", 20),
        ("Hiking <trip>", "mountain trail boots tent weekend", 21),
    ]
    for n, (subject, body, day) in enumerate(mails):
        raw = make_mail(subject, body, day=day, message_id=f"{n}@x")
        (inbox / f"{n}.eml").write_bytes(raw)
    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
        for item in sift.ingest([inbox], summarize=False):
            if item.is_junk:
                sift.mark_junk(item.id, junk=False)
    return home


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str, as_json: bool = True) -> object:
    extra = ["--json"] if as_json else []
    status = cli.main([*args, "--data-dir", str(home), *extra])
    out = capsys.readouterr().out
    assert status == 0, out
    return json.loads(out) if as_json else out


def test_signal_read_next_and_related(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    ranked = run(capsys, home, "read-next", "--limit", "5")
    assert len(ranked) == 3 and all(r["reason"] for r in ranked)
    assert ranked[0]["item"]["read"] is False and "text" not in ranked[0]["item"]
    first = ranked[0]["item"]["id"]
    signals = run(capsys, home, "signal", str(first), "opened")
    assert [s["kind"] for s in signals] == ["opened"]
    run(capsys, home, "signal", str(first), "dwell", "25")
    remaining = run(capsys, home, "read-next")
    assert first not in {r["item"]["id"] for r in remaining} and len(remaining) == 2
    budget = next(r["item"]["id"] for r in ranked if r["item"]["title"] == "Budget forecast")
    related = run(capsys, home, "related", str(budget), "--limit", "1")
    assert [r["item"]["title"] for r in related] == ["Budget totals"]
    text = run(capsys, home, "read-next", as_json=False)
    # One line per item, in the JSON's order: id, score, title (not escaped), reason.
    assert text.splitlines() == [
        f"{r['item']['id']:>5}  {r['score']:4.2f}  {r['item']['title']:<50}  {r['reason']}"
        for r in remaining
    ]
    assert sorted(r["item"]["title"] for r in ranked) == [
        "Budget forecast", "Budget totals", "Hiking <trip>"
    ]  # fmt: skip
    with pytest.raises(SystemExit):  # argparse refuses unknown kinds
        cli.main(["signal", str(first), "stared", "--data-dir", str(home)])
    assert "invalid choice: 'stared'" in capsys.readouterr().err


def test_bad_signal_value_is_a_user_error(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    assert cli.main(["signal", "1", "dwell", "-5", "--data-dir", str(home)]) == 2
    assert "negative" in capsys.readouterr().err


def test_metrics_alerts_and_digest(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    suggestions = run(capsys, home, "suggestions")
    run(capsys, home, "accept", str(suggestions[-1]["id"]))  # not the hiking mail's
    metrics = run(capsys, home, "metrics", "--bucket", "week")
    assert metrics["bucket"] == "week" and metrics["acceptance"]["counts"] == [1]
    table = run(capsys, home, "metrics", as_json=False)
    assert "acceptance by action kind" in table and "100%" in table
    assert run(capsys, home, "alerts") == []
    assert "no alerts" in run(capsys, home, "alerts", as_json=False)
    digest = run(capsys, home, "digest", "--day", "2026-11-21")
    assert digest["day"] == "2026-11-21"
    # the fake embedder files the hiking mail as a promotion (priority 0.1)
    assert [e["item"]["title"] for e in digest["entries"]] == ["Hiking <trip>"]
    assert digest["entries"][0]["suggestions"]
    out = tmp_path / "digest.html"
    written = run(capsys, home, "digest", "--day", "2026-11-21", "--html", str(out))
    assert written == {"path": str(out)} and out.read_text().startswith("<!DOCTYPE html>")
    assert "Hiking &lt;trip&gt;" in out.read_text()
