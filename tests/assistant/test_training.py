"""Training rounds: the gate, versions, rollback, fallback, the lock and the schedule (fakes)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Sift
from assistant import cli
from assistant import trainer as trainer_module
from assistant.errors import UserError
from assistant.settings import Settings
from assistant.trainer import LOCK_NAME
from assistant.trainer import TrainingBusy
from assistant.trainer import TrainLock
from assistant.trainer import due
from assistant.training import HeadTraining
from assistant.training import split
from assistant.types import Decision
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from models.registry import ModelChoice
from models.registry import build_embedder
from tests.helpers.training import labelled_items
from tests.helpers.training import rotate_labels

# Rounds run only when a test asks, unless it sets a schedule itself.
MANUAL = Settings(train_min_feedback=10_000, train_interval_hours=0)


@pytest.fixture
def sift(tmp_path: Path) -> Iterator[Sift]:
    with Sift(
        tmp_path / "home", embedder=FakeEmbedder(), generator=FakeGenerator(), settings=MANUAL
    ) as sift:
        yield sift


def test_rounds_are_versioned_and_rolled_back(sift: Sift, tmp_path: Path) -> None:
    """GIVEN two promoted rounds WHEN rolled back THEN the first serves again, both listed."""
    labelled_items(sift, tmp_path / "a", per_topic=4)
    first = sift.train()
    labelled_items(sift, tmp_path / "b", per_topic=4, seed=1)
    second = sift.train()
    assert first.promoted and second.promoted, (first.reason, second.reason)
    versions = sift.model_versions("category")
    assert [v.version for v in versions] == ["head-v1", "head-v2"]
    assert [v.active for v in versions] == [False, True]
    assert versions[1].trained_on == 24 and versions[1].held_out == 6
    assert versions[1].metrics["hidden"] in (0, 64) and "weight_decay" in versions[1].metrics
    assert versions[1].embedder == "fake-embedder@1"
    assert sift.triage.head_version == "head-v2"
    # the held-out slice also calibrated the promoted head, and that travels with it
    calibration = sift.triage.head.calibration
    assert calibration["temperature"] > 0 and 0 <= calibration["word_weight"] <= 1

    rolled = sift.rollback()
    assert rolled.version == "head-v1" and rolled.model is not None and rolled.model.active
    assert rolled.replaced == "head-v2"
    assert sift.triage.head_version == "head-v1"
    after = {v.version: v for v in sift.model_versions()}
    assert after["head-v2"].rolled_back_at is not None and not after["head-v2"].active
    with pytest.raises(UserError, match="no earlier"):
        sift.rollback()
    assert sift.rollback(version="head-v2").version == "head-v2"
    with pytest.raises(UserError, match="no earlier junk snapshot"):
        sift.rollback("junk")


def test_gate_rejects_a_degraded_training_set(sift: Sift, tmp_path: Path) -> None:
    """GIVEN a promoted head WHEN a set with 60 % of labels rotated is offered
    THEN the gate rejects it, says why, records it, and the old head keeps serving."""
    labelled_items(sift, tmp_path / "a", per_topic=12)
    assert sift.train().promoted
    training = HeadTraining(sift)
    train, test = split(training.examples())
    report = training.train(examples=rotate_labels(train, 0.6), held_out=test)
    assert not report.promoted
    assert report.new_accuracy is not None and report.old_accuracy is not None
    assert report.new_accuracy < report.old_accuracy - sift.settings.promote_tolerance
    assert report.reason.startswith("rejected: held-out accuracy")
    assert "below the gate (new >= old - 2.0%)" in report.reason
    assert report.version == "head-v1" and sift.triage.head_version == "head-v1"
    rejected = sift.model_versions()[-1]
    assert rejected.decision == Decision.REJECTED and rejected.path is None
    assert not rejected.active and rejected.reason == report.reason

    clean = training.train(examples=train, held_out=test)
    assert clean.promoted, clean.reason  # the same round on clean labels passes


def test_unreadable_active_head_falls_back_to_the_previous(sift: Sift, tmp_path: Path) -> None:
    labelled_items(sift, tmp_path / "a", per_topic=4)
    sift.train()
    labelled_items(sift, tmp_path / "b", per_topic=4, seed=1)
    sift.train()
    meta = sift.paths.heads / "category" / "head-v2" / "head.pt.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "format": 99}))
    with Sift(sift.paths.data, embedder=FakeEmbedder(), settings=MANUAL) as again:
        assert again.triage.head_version == "head-v1"
        assert again.triage.head is not None


def test_head_of_another_embedder_is_not_served(sift: Sift, tmp_path: Path) -> None:
    labelled_items(sift, tmp_path / "a", per_topic=4)
    assert sift.train().promoted
    sift.store.db.execute("UPDATE model_versions SET embedder = 'other@1'")
    assert sift.reload_models() is True  # the head stops serving; items re-predicted
    assert sift.triage.head is None


def test_lock_is_exclusive_and_stale_locks_are_taken_over(tmp_path: Path) -> None:
    lock = TrainLock(tmp_path / LOCK_NAME)
    with lock:
        assert lock.running() is not None and lock.running().pid == os.getpid()
        with pytest.raises(TrainingBusy, match="already running"):
            TrainLock(tmp_path / LOCK_NAME).acquire()
    assert not (tmp_path / LOCK_NAME).exists()

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": int(dead.stdout), "started": time.time()}))
    assert lock.running() is None
    with lock:
        assert lock.running().pid == os.getpid()


def test_schedule_counts_confirmed_labels_and_interval(sift: Sift, tmp_path: Path) -> None:
    """GIVEN a schedule WHEN labels arrive THEN a round is due after N, or after the interval."""
    labelled_items(sift, tmp_path / "a", per_topic=3)  # 9 labels
    sift.settings = MANUAL.replace(train_min_feedback=9)
    assert due(sift) == "9 new confirmed labels (every 9)"
    sift.train()
    assert due(sift) is None
    labelled_items(sift, tmp_path / "b", per_topic=1, seed=1)  # 3 more
    assert due(sift) is None
    sift.settings = sift.settings.replace(train_interval_hours=1e-9)
    assert "3 new confirmed labels and" in (due(sift) or "")
    (sift.paths.heads / LOCK_NAME).write_text(json.dumps({"pid": os.getpid(), "started": 1e12}))
    assert due(sift) is None  # a trainer runs
    with pytest.raises(TrainingBusy):
        sift.train()


def test_auto_training_runs_in_process_for_injected_models(sift: Sift, tmp_path: Path) -> None:
    """GIVEN fakes passed in WHEN labels reach the threshold THEN the round runs at once."""
    sift.settings = MANUAL.replace(train_min_feedback=12)
    labelled_items(sift, tmp_path / "a", per_topic=4)
    versions = sift.model_versions()
    assert len(versions) == 1 and versions[0].decision == Decision.PROMOTED
    assert not sift.training_running() and sift.poll_training() is None


def test_models_cli_lists_and_rolls_back(
    sift: Sift, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled_items(sift, tmp_path / "a", per_topic=4)
    sift.train()
    labelled_items(sift, tmp_path / "b", per_topic=4, seed=1)
    sift.train()
    home = str(sift.paths.data)
    # The CLI builds the configured embedder; pretend the heads were trained on it.
    configured = build_embedder(ModelChoice()).info.version
    sift.store.db.execute("UPDATE model_versions SET embedder = ?", [configured])
    sift.store.db.conn.commit()
    capsys.readouterr()
    assert cli.main(["models", "list", "--data-dir", home]) == 0
    out = capsys.readouterr().out
    assert "* head     head-v2" in out and "promoted" in out and "held-out" in out
    assert "junk     no snapshot yet" in out
    assert cli.main(["models", "rollback", "--data-dir", home, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "head-v1"
    assert cli.main(["models", "rollback", "head-v9", "--data-dir", home]) == 2
    assert cli.main(["models", "rollback", "--kind", "junk", "head-v1", "--data-dir", home]) == 2


def test_a_detached_trainer_is_reaped_not_dropped_while_running() -> None:
    """GIVEN a running subprocess handed over at close WHEN its owner drops it
    THEN no 'still running' warning fires and it is reaped once it ends."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
    pid = proc.pid
    trainer_module.detach(proc)
    del proc
    gc.collect()  # a dropped running Popen would warn here (warnings are errors)
    deadline = time.monotonic() + 10
    while trainer_module.detached_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert trainer_module.detached_count() == 0
    assert not trainer_module.pid_alive(pid)
