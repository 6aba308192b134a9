"""Saving a version is atomic: a crash mid-save leaves the old version serving (fakes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Sift
from assistant.junk_versions import JunkVersions
from assistant.settings import Settings
from assistant.store_models import ModelStore
from assistant.store_snapshots import SnapshotStore
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from models.head import Head
from tests.helpers.junk import first_snapshot
from tests.helpers.junk import mails
from tests.helpers.training import labelled_items

MANUAL = Settings(train_min_feedback=10_000, train_interval_hours=0, summarize=False)


@pytest.fixture
def sift(tmp_path: Path) -> Iterator[Sift]:
    with Sift(
        tmp_path / "home", embedder=FakeEmbedder(), generator=FakeGenerator(), settings=MANUAL
    ) as sift:
        yield sift


def test_a_crash_while_writing_a_head_leaves_the_old_head_serving(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN head-v1 WHEN the next round dies half-way through writing head-v2
    THEN no head-v2 row exists, head-v1 serves (also in a new Sift), only a .part
    folder is left, and the next round removes it and promotes normally."""
    labelled_items(sift, tmp_path / "a", per_topic=4)
    assert sift.train().promoted
    labelled_items(sift, tmp_path / "b", per_topic=4, seed=1)
    original = Head.save

    def die_half_way(self: Head, path: Path) -> Any:
        original(self, path)
        path.write_bytes(path.read_bytes()[:100])  # a torn write...
        raise RuntimeError("killed while saving")  # ...and the process dies

    monkeypatch.setattr(Head, "save", die_half_way)
    with pytest.raises(RuntimeError, match="killed"):
        sift.train()
    monkeypatch.undo()
    assert [v.version for v in sift.model_versions("head")] == ["head-v1"]
    assert sift.triage.head_version == "head-v1"
    heads = sift.paths.heads / "category"
    assert not (heads / "head-v2").exists() and (heads / "head-v2.part").is_dir()
    with Sift(sift.paths.data, embedder=FakeEmbedder(), settings=MANUAL) as again:
        assert again.triage.head_version == "head-v1"
        report = again.train()
        assert report.promoted and report.version == "head-v2", report.reason
        assert not list(again.paths.heads.rglob("*.part"))


def test_a_crash_while_copying_a_junk_snapshot_leaves_nothing_half_copied(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_snapshot(sift, tmp_path)
    for item_id in mails(sift, tmp_path / "p", "plimbo offer", 4):
        sift.mark_junk(item_id, True)
    original = SnapshotStore.copy_junk

    def die_after_copying(self: SnapshotStore, snapshot: str) -> None:
        original(self, snapshot)
        raise RuntimeError("killed after the copy, before the row")

    monkeypatch.setattr(SnapshotStore, "copy_junk", die_after_copying)
    with pytest.raises(RuntimeError, match="killed"):
        JunkVersions(sift).train()
    monkeypatch.undo()
    assert [v.version for v in sift.model_versions("junk")] == ["junk-v1"]
    assert not SnapshotStore(sift.store).has_junk("junk-v2")
    assert JunkVersions(sift).train().promoted  # the next round goes through


def test_a_crash_during_a_junk_rollback_keeps_the_live_filter(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_snapshot(sift, tmp_path)
    for item_id in mails(sift, tmp_path / "p", "plimbo offer", 4):
        sift.mark_junk(item_id, True)
    assert JunkVersions(sift).train().promoted
    probe = "plimbo offer"
    before = sift.junk.probability(probe)[0]

    def die(*_: Any) -> None:
        raise RuntimeError("killed after restoring the counts")

    monkeypatch.setattr(ModelStore, "activate", die)
    with pytest.raises(RuntimeError, match="killed"):
        sift.rollback("junk", "junk-v1")
    monkeypatch.undo()
    assert sift.junk.probability(probe)[0] == before  # the restore was rolled back too
    assert [v.version for v in sift.model_versions("junk") if v.active] == ["junk-v2"]
