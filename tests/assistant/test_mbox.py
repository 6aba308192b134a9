"""Streaming mbox reading and incremental ingest: appends, rewrites, cut-short files."""

from __future__ import annotations

import json
import mailbox
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Sift
from assistant import sources
from assistant.mbox import MboxMessage
from assistant.mbox import forget_mbox_progress
from assistant.mbox import iter_mbox
from assistant.mbox import load_mbox_progress
from assistant.mbox import progress_key
from assistant.mbox import read_mbox
from assistant.mbox import resume_point
from assistant.mbox import unescape
from assistant.sources import Incoming
from assistant.sources import scan_mbox
from assistant.store import Store
from assistant.types import ItemState
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

FROM_LINE = b"From sender@example.com Sat Nov 21 09:30:00 2026\n"


def body(i: int) -> str:
    """A distinct body with lines that an mbox writer must escape."""
    return (
        f"Message number {i} about topic {i * 7919 % 1000}.\n"
        "From the desk of the team: notes follow.\n"
        f"Item {i}: review the figures.\n"
    )


def messages(count: int, *, first: int = 0, with_ids: bool = True) -> list[bytes]:
    return [
        make_mail(f"Report {i}", body(i), message_id=f"m{i}@example.com" if with_ids else None)
        for i in range(first, first + count)
    ]


def mboxrd(raws: list[bytes]) -> bytes:
    """An mboxrd file: every ``>*From `` body line gets one more ``>``."""
    out = bytearray()
    for raw in raws:
        escaped = b"\n".join(
            b">" + line if line.lstrip(b">").startswith(b"From ") else line
            for line in raw.split(b"\n")
        )
        out += FROM_LINE + escaped + (b"" if escaped.endswith(b"\n") else b"\n") + b"\n"
    return bytes(out)


def keys(sift: Sift) -> list[str]:
    return [row[0] for row in sift.store.db.execute("SELECT source_key FROM items ORDER BY id")]


def stored_progress(sift: Sift, path: Path) -> dict[str, Any]:
    return json.loads(sift.store.get_meta(progress_key(path)) or "{}")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, list[int]]]:
    """Spy on the mbox reader: ``(start, [message offsets])`` per read."""
    calls: list[tuple[int, list[int]]] = []

    def spy(handle: Any, start: int = 0, **kwargs: Any) -> Iterator[MboxMessage]:
        offsets: list[int] = []
        calls.append((start, offsets))
        for message in read_mbox(handle, start, **kwargs):
            offsets.append(message.offset)
            yield message

    monkeypatch.setattr(sources, "read_mbox", spy)
    return calls


# -- reading ----------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 7, 100, 4096, 1 << 20])
def test_iteration_equals_mailbox_mbox(tmp_path: Path, chunk_size: int) -> None:
    """GIVEN an mbox written by ``mailbox.mbox`` with From lines in bodies
    WHEN it is read in chunks of any size
    THEN the messages, offsets and bytes are mailbox.mbox's, un-escaped."""
    originals = messages(12)
    path = write_mbox(tmp_path / "in.mbox", originals)
    assert b"\n>From the desk" in path.read_bytes()
    box = mailbox.mbox(path, create=False)
    expected = [(box._toc[i][0], unescape(box.get_bytes(key))) for i, key in enumerate(box.keys())]
    box.close()

    got = list(iter_mbox(path, chunk_size=chunk_size))

    assert [(offset, raw) for offset, _end, raw in got] == expected
    assert [raw for _o, _e, raw in got] == originals
    ends = [end for _o, end, _r in got]
    assert ends == [offset for offset, _e, _r in got[1:]] + [path.stat().st_size]


def test_mboxrd_quoting_is_undone_one_level(tmp_path: Path) -> None:
    raw = make_mail("Quoting", "From one\n>From two\n>>From three\nplain >From\n")
    path = tmp_path / "rd.mbox"
    path.write_bytes(mboxrd([raw, raw]))
    got = [r for _o, _e, r in iter_mbox(path, chunk_size=5)]
    assert got == [raw, raw]


def test_from_line_splits_only_after_a_blank_line(tmp_path: Path) -> None:
    """GIVEN an unescaped ``From `` line inside a paragraph WHEN read THEN it is body text."""
    path = tmp_path / "loose.mbox"
    path.write_bytes(
        FROM_LINE
        + b"Subject: a\n\nfirst line\nFrom here on, body text\n\n"
        + FROM_LINE
        + b"Subject: b\n\nsecond\n"
    )
    got = [r for _o, _e, r in iter_mbox(path)]
    assert got == [
        b"Subject: a\n\nfirst line\nFrom here on, body text\n",
        b"Subject: b\n\nsecond\n",
    ]


def test_reading_from_an_offset_gives_the_rest(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "in.mbox", messages(6))
    everything = list(iter_mbox(path))
    resumed = list(iter_mbox(path, everything[2][1]))
    assert resumed == everything[3:]
    assert list(iter_mbox(path, path.stat().st_size)) == []


def test_cut_short_last_message_is_read_and_marked_incomplete(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "in.mbox", messages(3))
    data = path.read_bytes()
    path.write_bytes(data[:-40])
    with path.open("rb") as handle:
        got = list(read_mbox(handle, chunk_size=64))
    assert len(got) == 3
    assert [m.complete for m in got] == [True, True, False]
    assert got[2].end == len(data) - 40
    assert got[2].raw.startswith(b"From: Dana Lee")


def test_junk_before_the_first_message_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "junk.mbox"
    path.write_bytes(b"garbage\nmore\n" + FROM_LINE + b"Subject: a\n\nbody\n")
    assert [r for _o, _e, r in iter_mbox(path, chunk_size=3)] == [b"Subject: a\n\nbody\n"]


# -- incremental ingest -------------------------------------------------------


def test_appended_messages_are_read_alone(
    fake_sift: Sift, tmp_path: Path, reads: list[tuple[int, list[int]]]
) -> None:
    """GIVEN an ingested mbox WHEN messages are appended and it is ingested again
    THEN only the bytes after the recorded offset are read and only the new items added."""
    path = write_mbox(tmp_path / "in.mbox", messages(5))
    fake_sift.ingest([path], summarize=False)
    first_size = path.stat().st_size
    assert stored_progress(fake_sift, path)["tail"]["offset"] == first_size
    before = keys(fake_sift)

    write_mbox(path, messages(3, first=5))
    added = fake_sift.ingest([path], summarize=False)

    assert reads[-1][0] == first_size
    assert all(offset >= first_size for offset in reads[-1][1])
    assert len(reads[-1][1]) == 3
    assert [i.title for i in added] == ["Report 5", "Report 6", "Report 7"]
    assert keys(fake_sift)[:5] == before
    assert len(keys(fake_sift)) == len(set(keys(fake_sift))) == 8
    assert stored_progress(fake_sift, path)["tail"]["offset"] == path.stat().st_size
    assert added[0].source_path.endswith("in.mbox#5")


def test_unchanged_mbox_is_not_read(
    fake_sift: Sift, tmp_path: Path, reads: list[tuple[int, list[int]]]
) -> None:
    path = write_mbox(tmp_path / "in.mbox", messages(4))
    fake_sift.ingest([path], summarize=False)
    assert len(reads) == 1
    assert fake_sift.ingest([path], summarize=False) == []
    assert len(reads) == 1
    assert len(fake_sift.items()) == 4


def test_compacted_mbox_is_read_again_without_duplicates(
    fake_sift: Sift, tmp_path: Path, reads: list[tuple[int, list[int]]]
) -> None:
    """GIVEN an ingested mbox WHEN a mail client deletes a message (rewriting the
    file) and appends one THEN it is read from the start, nothing duplicates,
    and the new message is added."""
    path = write_mbox(tmp_path / "in.mbox", messages(6))
    fake_sift.ingest([path], summarize=False)
    box = mailbox.mbox(path, create=False)
    box.lock()
    box.remove(box.keys()[1])
    box.add(messages(1, first=6)[0])
    box.flush()
    box.unlock()
    box.close()

    fake_sift.ingest([path], summarize=False)

    assert reads[-1][0] == 0
    assert len(keys(fake_sift)) == len(set(keys(fake_sift))) == 7
    assert stored_progress(fake_sift, path)["tail"]["offset"] == path.stat().st_size


def test_messages_without_message_id_keep_their_identity_after_a_rewrite(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN messages with no Message-ID WHEN the first one is deleted (the rest move)
    THEN no item is duplicated or overwritten: each keeps its content key."""
    raws = messages(4, with_ids=False)
    path = write_mbox(tmp_path / "in.mbox", raws)
    fake_sift.ingest([path], summarize=False)
    first_keys = keys(fake_sift)
    assert all(key.startswith(f"mbox:{path}#") for key in first_keys)
    texts = {item.title: item.text for item in fake_sift.items()}

    path.unlink()
    write_mbox(path, raws[1:] + messages(1, first=4, with_ids=False))
    fake_sift.ingest([path], summarize=False)

    assert keys(fake_sift)[:4] == first_keys
    assert len(keys(fake_sift)) == len(set(keys(fake_sift))) == 5
    after = {item.title: item.text for item in fake_sift.items()}
    assert {title: after[title] for title in texts} == texts


def test_cut_short_last_message_is_completed_later(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN an mbox whose last message is cut short WHEN ingested THEN it is an item;
    WHEN the file is later completed and grows THEN that item gets the whole text
    and nothing duplicates."""
    path = write_mbox(tmp_path / "in.mbox", messages(3))
    whole = path.read_bytes()
    path.write_bytes(whole[:-30])
    fake_sift.ingest([path], summarize=False)
    assert len(fake_sift.items()) == 3
    assert stored_progress(fake_sift, path)["tail"]["complete"] is False
    cut = next(i for i in fake_sift.items() if i.title == "Report 2")
    assert "review the figures" not in cut.text
    assert fake_sift.ingest([path], summarize=False) == []  # unchanged: nothing read

    path.write_bytes(whole)
    write_mbox(path, messages(1, first=3))
    fake_sift.ingest([path], summarize=False)

    assert len(keys(fake_sift)) == len(set(keys(fake_sift))) == 4
    completed = fake_sift.item(cut.id)
    assert "Item 2: review the figures" in completed.text
    assert completed.state == ItemState.READY


def test_forgotten_progress_means_reading_everything_again(
    fake_sift: Sift, tmp_path: Path, reads: list[tuple[int, list[int]]]
) -> None:
    path = write_mbox(tmp_path / "in.mbox", messages(3))
    fake_sift.ingest([path], summarize=False)
    forget_mbox_progress(fake_sift.store, path)
    again = fake_sift.ingest([path], summarize=False)
    assert reads[-1] == (0, [offset for offset, _e, _r in iter_mbox(path)])
    assert len(again) == len(keys(fake_sift)) == 3


def test_damaged_progress_means_reading_again(fake_sift: Sift, tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "in.mbox", messages(3))
    fake_sift.ingest([path], summarize=False)
    fake_sift.store.set_meta(progress_key(path), "{not json")
    fake_sift.ingest([path], summarize=False)
    assert len(keys(fake_sift)) == 3


# -- the recording protocol -------------------------------------------------------


def test_progress_counts_only_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a scan whose messages are loaded but the last one never stored (a crash)
    WHEN the file is scanned again THEN reading resumes at that last message."""
    monkeypatch.setattr(sources, "CHECKPOINT_MESSAGES", 4)
    path = write_mbox(tmp_path / "in.mbox", messages(10))
    offsets = [offset for offset, _e, _r in iter_mbox(path)]
    store = Store(None)
    entries = [e for e in scan_mbox(path, store=store) if isinstance(e, Incoming)]

    entries[0].load()
    assert load_mbox_progress(store, path) is None  # nothing proven yet
    for entry in entries[1:6]:
        entry.load()
    progress = load_mbox_progress(store, path)
    assert progress is not None and progress.done.offset == offsets[4]  # checkpoint at 4

    for entry in entries[6:]:
        entry.load()  # the last one records its tail, but no item has its key
    with path.open("rb") as handle:
        start = resume_point(store, path, handle, path.stat().st_size)
    assert (start.offset, start.count) == (offsets[9], 9)
    assert [e.source_path for e in scan_mbox(path, store=store)] == [f"{path}#9"]
    store.close()
