"""Crash safety: an ingest killed at random points and restarted loses and duplicates nothing."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Sift
from assistant.mbox import load_mbox_progress
from assistant.types import ItemState
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from tests.helpers.mail import make_mail

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 1500
KILLS = 3
SEED = 20261121
# Seconds after "ready" to kill at. Storing 1,500 messages takes about 1.5 s on
# two cores and classifying them 2 s more, so kills land in both phases.
KILL_AFTER = (0.2, 1.2)

# The CLI loads the real models; this drives the same engine call with fakes.
# It says "ready" once the database is open, so that kills land in the ingest.
DRIVER = """
import sys
from assistant import Sift
from models.fake import FakeEmbedder, FakeGenerator
sift = Sift(sys.argv[1], embedder=FakeEmbedder(), generator=FakeGenerator())
print("ready", flush=True)
sift.ingest([sys.argv[2]], summarize=False)
sift.close()
print("done", flush=True)
"""


def write_big_mbox(path: Path) -> None:
    """Small distinct messages; every tenth has no Message-ID."""
    with path.open("wb") as handle:
        for i in range(MESSAGES):
            raw = make_mail(
                f"Log entry {i}",
                f"Entry {i} of the build log, code {i * 7919 % 10007}.\nFrom the nightly run.\n",
                message_id=None if i % 10 == 0 else f"entry{i}@example.com",
            )
            handle.write(b"From build@example.com Sat Nov 21 09:30:00 2026\n")
            handle.write(raw.replace(b"\nFrom ", b"\n>From ") + b"\n")


def start_driver(home: Path, mbox: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(home), str(mbox)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"driver did not start: {line!r}\n{err}")
    return proc


@pytest.mark.slow
def test_killed_ingest_restarts_without_loss_or_duplicates(tmp_path: Path) -> None:
    """GIVEN an mbox of 1,500 messages
    WHEN its ingest is SIGKILLed at three random points and then run to completion
    THEN every message is one READY item, the queue is empty and the database is sound."""
    mbox = tmp_path / "big.mbox"
    write_big_mbox(mbox)
    home = tmp_path / "home"
    rng = random.Random(SEED)
    killed = 0
    for _ in range(KILLS):
        proc = start_driver(home, mbox)
        time.sleep(rng.uniform(*KILL_AFTER))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        killed += proc.returncode == -signal.SIGKILL
    assert killed >= 1  # at least one kill landed mid-ingest

    # The last run goes to the end. Its output is read in one piece: with the
    # work already done, "ready" and "done" can arrive together, and a
    # readline() would buffer the second line where communicate() can't see it.
    final = subprocess.run(
        [sys.executable, "-c", DRIVER, str(home), str(mbox)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert final.returncode == 0, final.stderr
    assert final.stdout.split() == ["ready", "done"]

    with Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift:
        rows = list(sift.store.db.execute("SELECT source_key, metadata, state FROM items"))
        source_keys = [row[0] for row in rows]
        message_ids = [json.loads(row[1]).get("message_id") for row in rows]
        present = [m for m in message_ids if m]
        assert len(rows) == MESSAGES
        assert len(set(source_keys)) == MESSAGES
        assert len(present) == len(set(present)) == MESSAGES - MESSAGES // 10
        assert {row[2] for row in rows} == {str(ItemState.READY)}
        assert sift.store.job_count() == 0
        assert sift.store.integrity_ok()
        progress = load_mbox_progress(sift.store, mbox)
        assert progress is not None and progress.tail is not None
        assert progress.tail.offset == mbox.stat().st_size
        assert progress.tail.count == MESSAGES
