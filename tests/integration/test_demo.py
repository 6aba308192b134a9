"""`sift demo --headless` on the real default models, end to end.

The demo runs once per session (a few minutes on 2 cores), under a guard that
records any non-loopback connection; the tests below check what it produced
and then drive the learning loop on the same store.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email import policy
from pathlib import Path
from typing import Any

import pytest

from assistant import Sift
from assistant import cli
from assistant.mbox import iter_mbox
from assistant.types import ItemKind
from assistant.types import ItemState
from tests.conftest import SAMPLE
from tests.helpers.network import record_connections

# The demo summarizes ~50 items on 2 cores: about 4 minutes on a quiet machine,
# far more when other work shares the cores.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(2400)]


@dataclass
class DemoRun:
    home: Path
    status: int
    output: str
    outside: list[Any]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    home = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    with record_connections() as outside, contextlib.redirect_stdout(buffer):
        status = cli.main(["demo", "--headless", "--quiet", "--data-dir", str(home)])
    return DemoRun(home, status, buffer.getvalue(), outside)


@pytest.fixture(scope="module")
def sift(demo: DemoRun) -> Iterator[Sift]:
    with Sift(demo.home) as engine:
        yield engine


def expected_labels() -> dict[str, dict[str, str]]:
    """Subject -> the sample's intended category / junk flag (X-Sift-* headers)."""
    out = {}
    for _start, _end, raw in iter_mbox(SAMPLE / "inbox.mbox"):
        msg = message_from_bytes(raw, policy=policy.default)
        out[str(msg["Subject"])] = {
            "category": str(msg["X-Sift-Expected"]),
            "junk": str(msg["X-Sift-Junk"]),
        }
    return out


def test_demo_succeeds_without_touching_the_network(demo: DemoRun) -> None:
    assert demo.status == 0
    assert demo.outside == []
    assert "summary" in demo.output


def test_every_sample_item_has_summary_category_junk_and_a_suggestion(sift: Sift) -> None:
    items = sift.items()
    mails = [i for i in items if i.kind == ItemKind.MAIL]
    documents = [i for i in items if i.kind == ItemKind.DOCUMENT and i.parent_id is None]
    attachments = [i for i in items if i.parent_id is not None]
    assert len(mails) == 40
    assert len(documents) == len(list((SAMPLE / "documents").iterdir()))
    assert {Path(i.source_path.split("#", 1)[1]).suffix for i in attachments} <= {".txt", ".pdf"}
    for item in items:
        assert item.state == ItemState.READY, (item.title, item.error)
        assert item.summary is not None and item.summary.one_line, item.title
        assert item.category is not None or item.category_clues[0].startswith("unsure")
        assert sift.suggestions(item.id), item.title
        if item.kind == ItemKind.MAIL:
            assert item.junk_clues, item.title
    written_by_llm = [i for i in items if i.summary and not i.summary.extractive]
    assert len(written_by_llm) >= 0.9 * len(items)


def test_chinese_mail_gets_a_chinese_summary(sift: Sift) -> None:
    chinese = [i for i in sift.items() if i.kind == ItemKind.MAIL and i.language == "zh"]
    assert len(chinese) >= 8
    with_cjk = [
        i
        for i in chinese
        if i.summary and any("\u4e00" <= ch <= "\u9fff" for ch in i.summary.one_line)
    ]
    assert len(with_cjk) >= 0.8 * len(chinese)


def test_triage_and_junk_quality_on_the_sample(sift: Sift) -> None:
    """Zero-shot quality floor on the bundled inbox (printed for the record)."""
    truth = expected_labels()
    mails = [i for i in sift.items() if i.kind == ItemKind.MAIL]
    junk_right = sum(1 for i in mails if (truth[i.title]["junk"] == "yes") == bool(i.is_junk))
    ham = [i for i in mails if truth[i.title]["junk"] != "yes"]
    category_right = sum(1 for i in ham if i.category == truth[i.title]["category"])
    print(
        json.dumps(
            {
                "junk_accuracy": junk_right / len(mails),
                "category_accuracy": category_right / len(ham),
            }
        )
    )
    assert junk_right / len(mails) >= 0.8
    assert category_right / len(ham) >= 0.4


def test_correction_changes_the_next_prediction_and_train_reports(sift: Sift) -> None:
    """GIVEN the demo store WHEN the user files items THEN similar items follow at once,
    and `train` reports held-out metrics."""
    truth = expected_labels()
    mails = [i for i in sift.items() if i.kind == ItemKind.MAIL and truth[i.title]["junk"] != "yes"]
    target = next(i for i in mails if truth[i.title]["category"] == "finance")
    sift.label(target.id, "household")
    assert sift.item(target.id).category == "household"
    twin = sift.ingest([_twin_of(target, sift.paths.data)], summarize=False)[0]
    assert twin.category == "household", twin.category_clues
    for item in mails:
        sift.label(item.id, truth[item.title]["category"])
    report = sift.train()
    assert report.held_out >= 2
    assert report.new_accuracy is not None and report.old_accuracy is not None
    assert report.reason


def _twin_of(item: Any, folder: Path) -> Path:
    """A near copy of an item, as a new .eml file."""
    from tests.helpers.mail import make_mail

    path = folder / "twin.eml"
    path.write_bytes(
        make_mail(
            item.title,
            item.text + "\nThanks again.",
            sender=item.metadata.get("from", "a@example.com"),
        )
    )
    return path
