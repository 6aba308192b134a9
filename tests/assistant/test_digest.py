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


def test_digest_export_never_overwrites_and_leaves_no_temporary_file(
    fake_sift: Sift, day_items: list, tmp_path: Path
) -> None:
    """GIVEN a file where the digest goes WHEN exported THEN the old one is in Sift's trash."""
    del day_items
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "digest.html"
    target.write_text("the user's own page")
    path = fake_sift.export_digest(target, "2026-11-20")
    assert path == target.absolute() and "Sift digest" in target.read_text(encoding="utf-8")
    [entry] = fake_sift.trash()
    assert entry.original_path == str(target.absolute())
    assert Path(entry.trash_path).read_text() == "the user's own page"
    assert sorted(p.name for p in folder.iterdir()) == ["digest.html"]  # no .part left


def test_failed_digest_export_leaves_no_temporary_file(
    fake_sift: Sift, day_items: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del day_items
    folder = tmp_path / "out"
    folder.mkdir()

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    real_open = Path.open

    def open_but_not_exclusively(self: Path, mode: str = "r", *args: object, **kwargs: object):
        if "x" in mode:
            refuse()
        return real_open(self, mode, *args, **kwargs)  # type: ignore[arg-type]

    # The page is written to its temporary file, then cannot be put in place.
    monkeypatch.setattr("os.link", refuse)
    monkeypatch.setattr(Path, "replace", refuse)
    monkeypatch.setattr(Path, "open", open_but_not_exclusively)
    with pytest.raises(UserError, match="cannot write"):
        fake_sift.export_digest(folder / "digest.html", "2026-11-20")
    assert list(folder.iterdir()) == []
