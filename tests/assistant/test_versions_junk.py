"""Junk-filter versions: gated snapshots, exact rollback, later verdicts kept (fakes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Sift
from assistant import cli
from assistant.errors import UserError
from assistant.junk_versions import SNAPSHOT_EVERY
from assistant.junk_versions import JunkVersions
from assistant.settings import Settings
from assistant.store_snapshots import SnapshotStore
from assistant.types import Decision
from assistant.types import ModelKind
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.junk import first_snapshot
from tests.helpers.junk import mails

MANUAL = Settings(train_min_feedback=10_000, train_interval_hours=0, summarize=False)


@pytest.fixture
def sift(tmp_path: Path) -> Iterator[Sift]:
    with Sift(
        tmp_path / "home", embedder=FakeEmbedder(), generator=FakeGenerator(), settings=MANUAL
    ) as sift:
        yield sift


def test_verdicts_take_a_gated_snapshot_every_n(sift: Sift, tmp_path: Path) -> None:
    """GIVEN 25 junk verdicts on words the seed never saw WHEN the 25th is given
    THEN a snapshot round ran against the seed filter, promoted junk-v1 and copied it."""
    first_snapshot(sift, tmp_path)
    rows = sift.model_versions("junk")
    assert SNAPSHOT_EVERY == 25 and len(rows) == 1
    row = rows[0]
    assert row.version == "junk-v1" and row.active and row.decision == Decision.PROMOTED
    assert row.held_out == 6 and row.trained_on == 19  # the newest quarter held out
    assert row.metrics["verdicts_since"] == 25
    assert row.new_accuracy == 1.0 and row.old_accuracy is not None and row.old_accuracy < 0.9
    assert "vs the seed filter" in row.reason
    assert SnapshotStore(sift.store).has_junk("junk-v1")
    assert row.metrics["messages_junk"] > 13 and row.metrics["feedback_id"] > 0
    # too few verdicts since: a round says so and records nothing
    report = JunkVersions(sift).train()
    assert not report.promoted and "need at least 4 junk verdicts since junk-v1" in report.reason
    assert len(sift.model_versions("junk")) == 1


def test_gate_rejects_verdicts_that_contradict_the_newest(sift: Sift, tmp_path: Path) -> None:
    """GIVEN junk-v1 (krandel is not junk) WHEN 6 'quorp krandel' mails are marked junk
    and then the 2 newest ones not junk THEN the gate rejects the snapshot, says why,
    and the live filter keeps every verdict (junk-v1 stays the rollback point)."""
    first_snapshot(sift, tmp_path)
    ids = mails(sift, tmp_path / "q", "quorp krandel wibble", 8)
    for item_id in ids[:6]:
        sift.mark_junk(item_id, True)
    for item_id in ids[6:]:
        sift.mark_junk(item_id, False)
    report = JunkVersions(sift).train()
    assert not report.promoted, report.reason
    assert report.old_accuracy == 1.0 and report.new_accuracy == 0.0
    assert report.reason.startswith("rejected: accuracy on the 2 newest junk verdicts")
    row = sift.model_versions("junk")[-1]
    assert row.decision == Decision.REJECTED and row.path is None and not row.active
    assert not SnapshotStore(sift.store).has_junk(row.version)
    assert [v.version for v in sift.model_versions("junk") if v.active] == ["junk-v1"]
    assert SnapshotStore(sift.store).learned(ids[0]) is True  # the verdict still teaches
    # Rolling back now returns to the serving snapshot, listing the 8 verdicts since.
    back = sift.rollback("junk")
    assert back.version == back.replaced == "junk-v1"
    assert sorted(back.not_learned) == sorted(ids)


def test_rollback_restores_the_snapshot_and_lists_later_verdicts(
    sift: Sift, tmp_path: Path
) -> None:
    """GIVEN junk-v1, then junk-v2 with 'plimbo' junk, then 3 'snargle' verdicts
    WHEN rolled back to junk-v1 THEN its probabilities return exactly, the 8 later
    verdicts stay on their items and are listed as not learned; marking one again
    teaches it; rolling forward with keep_later re-teaches the rest."""
    first_snapshot(sift, tmp_path)
    probe = "plimbo snargle offer"
    p1 = sift.junk.probability(probe)[0]
    plimbo = mails(sift, tmp_path / "p", "plimbo offer", 5)
    for item_id in plimbo:
        sift.mark_junk(item_id, True)
    second = JunkVersions(sift).train()
    assert second.promoted and second.version == "junk-v2", second.reason
    snargle = mails(sift, tmp_path / "s", "snargle deal", 3)
    for item_id in snargle:
        sift.mark_junk(item_id, True)
    p_live = sift.junk.probability(probe)[0]
    assert p_live > p1

    report = sift.rollback("junk", "junk-v1")
    assert report.kind == ModelKind.JUNK and report.version == "junk-v1"
    assert report.replaced == "junk-v2" and report.model is not None and report.model.active
    assert sift.junk.probability(probe)[0] == p1
    assert set(report.not_learned) == set(plimbo + snargle)
    assert any("8 junk verdicts given after it are kept" in n for n in report.notes)
    assert all(sift.item(i).is_junk for i in plimbo + snargle)  # the verdicts still hold
    rows = {v.version: v for v in sift.model_versions("junk")}
    assert rows["junk-v2"].rolled_back_at is not None

    before = sift.junk.probability("snargle deal")[0]
    sift.mark_junk(snargle[0], True)  # the same verdict again: now it is learned
    assert sift.junk.probability("snargle deal")[0] > before
    assert SnapshotStore(sift.store).learned(snargle[0]) is True

    forward = sift.rollback("junk", "junk-v2", keep_later=True)
    assert forward.version == "junk-v2" and forward.not_learned == ()
    assert any("re-taught 3 junk verdicts" in n for n in forward.notes)
    p_forward = sift.junk.probability(probe)[0]
    assert p_forward == pytest.approx(p_live, abs=1e-12)
    again = sift.rollback("junk", "junk-v2")  # junk-v2 with the 3 verdicts re-taught since
    assert again.version == "junk-v2"
    assert sorted(again.not_learned) == sorted(snargle)  # they were taught after junk-v2


def test_rejected_or_unknown_snapshots_cannot_be_served(sift: Sift, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no earlier junk snapshot"):
        sift.rollback("junk")
    first_snapshot(sift, tmp_path)
    with pytest.raises(UserError, match="no junk version"):
        sift.rollback("junk", "junk-v9")
    with pytest.raises(UserError, match="not a junk version"):
        sift.rollback("junk", "head-v1")
    with pytest.raises(UserError, match="unknown model kind"):
        sift.rollback("spam")


def test_a_flipped_verdict_after_rollback_unlearns_only_what_was_learned(
    sift: Sift, tmp_path: Path
) -> None:
    """The filter's learned map, not the item's verdict, says what to unlearn."""
    first_snapshot(sift, tmp_path)
    for item_id in mails(sift, tmp_path / "p", "plimbo offer", 4):
        sift.mark_junk(item_id, True)
    assert JunkVersions(sift).train().promoted
    extra = mails(sift, tmp_path / "z", "zeeble offer", 1)[0]
    sift.mark_junk(extra, True)
    assert sift.store.token_counts(["zeeble"])["zeeble"] == (1, 0)
    sift.rollback("junk", "junk-v1")
    assert "zeeble" not in sift.store.token_counts(["zeeble"])
    assert SnapshotStore(sift.store).learned(extra) is None and sift.item(extra).is_junk
    sift.mark_junk(extra, False)  # nothing learned to unlearn: only the new side counts
    assert sift.store.token_counts(["zeeble"])["zeeble"] == (0, 1)


def test_models_cli_lists_every_kind_and_rolls_junk_back(
    sift: Sift, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first_snapshot(sift, tmp_path)
    later = mails(sift, tmp_path / "p", "plimbo offer", 4)
    for item_id in later:
        sift.mark_junk(item_id, True)
    assert JunkVersions(sift).train().promoted
    home = str(sift.paths.data)
    capsys.readouterr()
    assert cli.main(["models", "list", "--data-dir", home]) == 0
    out = capsys.readouterr().out
    assert "  head     no head trained yet" in out
    assert "* encoder  base" not in out and "encoder  the configured encoder serves" in out
    assert "  junk     junk-v1" in out and "* junk     junk-v2" in out
    assert cli.main(["models", "--data-dir", home, "list", "--kind", "junk", "--json"]) == 0
    assert [v["version"] for v in json.loads(capsys.readouterr().out)] == ["junk-v1", "junk-v2"]
    assert cli.main(["models", "rollback", "--kind", "junk", "--data-dir", home, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == "junk-v1" and report["kind"] == "junk"
    assert sorted(report["not_learned"]) == sorted(later)
    assert cli.main(["models", "rollback", "junk-v2", "--keep-later", "--data-dir", home]) == 0
    out = capsys.readouterr().out
    assert "junk: junk-v2 serves now (was junk-v1)" in out
