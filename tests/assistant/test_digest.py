"""The daily digest: which items it holds, and an HTML export that escapes item text."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Sift
from assistant.digest import LOW_PRIORITY
from assistant.errors import UserError
from assistant.types import SignalKind
from tests.helpers.mail import make_mail

BULK = {"List-Unsubscribe": "<mailto:leave@lists.example.com>"}
EVIL = '<script>alert("x")</script> Deals & "offers"'


def ingest(sift: Sift, folder: Path, mails: list[bytes]) -> list:
    folder.mkdir()
    for n, raw in enumerate(mails):
        (folder / f"{n}.eml").write_bytes(raw)
    items = sift.ingest([folder], summarize=False)
    return [sift.mark_junk(i.id, junk=False) if i.is_junk else i for i in items]


@pytest.fixture
def day_items(fake_sift: Sift, tmp_path: Path) -> list:
    return ingest(
        fake_sift,
        tmp_path / "in",
        [
            make_mail(EVIL, f"{EVIL} weekly newsletter", headers=BULK, day=20, message_id="a@x"),
            make_mail("Can you confirm by Friday 3pm?", "Can you confirm the meeting Friday 3pm?",
                      day=20, message_id="b@x"),
            make_mail("Other day newsletter", "weekly newsletter digest", headers=BULK, day=21,
                      message_id="c@x"),
        ],
    )  # fmt: skip


def test_digest_holds_the_days_low_priority_unread_items(fake_sift: Sift, day_items: list) -> None:
    low, high, other_day = day_items
    assert low.priority < LOW_PRIORITY <= high.priority
    digest = fake_sift.digest("2026-11-20")
    assert digest.day == "2026-11-20"
    assert [e.item.id for e in digest.entries] == [low.id]
    assert digest.entries[0].suggestions == tuple(fake_sift.suggestions(low.id))
    assert [e.item.id for e in fake_sift.digest("2026-11-21").entries] == [other_day.id]
    fake_sift.record_signal(low.id, SignalKind.OPENED)
    assert fake_sift.digest("2026-11-20").entries == ()
    with pytest.raises(UserError):
        fake_sift.digest("20 Nov")


def test_digest_html_escapes_item_text_and_links_one_click_actions(
    fake_sift: Sift, day_items: list, tmp_path: Path
) -> None:
    low = day_items[0]
    path = fake_sift.export_digest(tmp_path / "out" / "digest.html", "2026-11-20")
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Deals &amp; &quot;offers&quot;" in page
    )
    suggestions = fake_sift.suggestions(low.id)
    assert suggestions
    for s in suggestions:
        assert f'href="sift://accept/{s.id}"' in page
        assert f"sift accept {s.id}" in page
    assert f'href="sift://open/{low.id}"' in page
    assert "http://" not in page and "https://" not in page  # self-contained
    empty = fake_sift.export_digest(tmp_path / "empty.html", "2026-01-01").read_text()
    assert "Nothing low-priority" in empty
