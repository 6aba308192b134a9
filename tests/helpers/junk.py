"""Junk verdicts for version tests: clusters of mail with words the seed never saw."""

from __future__ import annotations

from pathlib import Path

from assistant import Sift
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox

FILLER = "please see the note below thanks regards"


def mails(sift: Sift, folder: Path, words: str, count: int) -> list[int]:
    """Ingest ``count`` messages carrying ``words``; their ids, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    name = words.split()[0]
    messages = [make_mail(f"{name} {i}", f"{words} {FILLER} number{i}") for i in range(count)]
    items = sift.ingest([write_mbox(folder / f"{name}.mbox", messages)], summarize=False)
    return [item.id for item in items]


def first_snapshot(sift: Sift, tmp_path: Path) -> tuple[list[int], list[int]]:
    """Junk verdicts on a 'vexmo' cluster and not-junk on a 'krandel' one, up to a snapshot."""
    junk = mails(sift, tmp_path / "j", "vexmo glarp tronic", 13)
    ham = mails(sift, tmp_path / "h", "krandel wibble fosk", 12)
    for junk_id, ham_id in zip(junk, ham, strict=False):
        sift.mark_junk(junk_id, True)
        sift.mark_junk(ham_id, False)
    sift.mark_junk(junk[-1], True)
    return junk, ham
