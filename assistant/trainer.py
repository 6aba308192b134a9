"""Scheduled fine-tuning: when a round is due, one trainer at a time, and the subprocess.

Run as ``python -m assistant.trainer --data-dir D``: the trainer lowers its
priority (``os.nice(10)``, one torch thread by default), takes the training
lock, runs one round of ``assistant.training`` on the confirmed feedback in
the database (read from it; the only writes are the new versions' rows, the
head's folder and a gated junk-filter snapshot) and exits. torch never runs
in the GUI process this way, and a crash or kill of the trainer cannot take
the app down or leave a half model: versions are published atomically and
recorded last (paperless-ngx trains in a Celery worker for the same reason).

**When** (``due``): at least ``train_min_feedback`` new confirmed labels
since the last round started, or at least one new label and
``train_interval_hours`` since then. Never while another trainer runs. A
round that was killed counts as started, so a trainer that keeps crashing
is retried at that pace, not at every label.

**One at a time**: ``models/train.lock`` holds the trainer's PID and start
time, created with ``O_EXCL``. A lock whose process is gone (or a zombie),
or older than ``STALE_AFTER_S``, is stale and taken over.

The engine reloads the promoted head when the subprocess has finished
(``Sift.poll_training`` / ``Sift.reload_models``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.store import Store
from assistant.store import now
from assistant.store_models import ModelStore
from assistant.training import MIN_EXAMPLES
from assistant.training import TASK
from assistant.types import TrainReport
from models.publish import remove_partials

if TYPE_CHECKING:
    from assistant.engine import Sift
    from assistant.paths import Paths
    from models.base import Embedder

log = logging.getLogger(__name__)

LOCK_NAME = "train.lock"
REPORT_NAME = "last-train.json"
STALE_AFTER_S = 6 * 3600  # no round takes hours: an older lock outlived its PID's reuse
NICE = 10
ATTEMPT_KEY = f"train_attempt:{TASK}"
EXIT_BUSY = 3


class TrainingBusy(UserError):
    """Another trainer holds the lock."""


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds the training lock."""

    pid: int
    started: float


def pid_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, killed and not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


class TrainLock:
    """An exclusive lock file with the holder's PID; stale locks are taken over.

    Args:
        path: the lock file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._held = False

    def holder(self) -> LockHolder | None:
        """The recorded holder (alive or not), or None when the lock is free."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return LockHolder(int(raw["pid"]), float(raw["started"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            # Killed between create and write: an empty lock. Its age decides.
            try:
                return LockHolder(0, self.path.stat().st_mtime)
            except FileNotFoundError:
                return None

    @staticmethod
    def stale(holder: LockHolder) -> bool:
        """The holder is gone, or the lock is too old to be trusted."""
        if time.time() - holder.started > STALE_AFTER_S:
            return True
        if holder.pid == 0:
            return time.time() - holder.started > 5.0  # an empty lock, given time to be written
        return not pid_alive(holder.pid)

    def running(self) -> LockHolder | None:
        """The live holder, if a trainer runs now."""
        holder = self.holder()
        return holder if holder is not None and not self.stale(holder) else None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            TrainingBusy: a live trainer holds it.
        """
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self.holder()
                if holder is not None and not self.stale(holder):
                    raise TrainingBusy(f"training already running (pid {holder.pid})") from None
                log.warning("taking over a stale training lock: %s", holder)
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"pid": os.getpid(), "started": time.time()}, handle)
            self._held = True
            return
        raise TrainingBusy(f"could not take {self.path}")

    def release(self) -> None:
        if self._held:
            self._held = False
            holder = self.holder()
            if holder is not None and holder.pid == os.getpid():
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> TrainLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def lock_for(paths: Paths) -> TrainLock:
    return TrainLock(paths.heads / LOCK_NAME)


# -- scheduling ------------------------------------------------------------------


def mark_attempt(store: Store) -> None:
    """Remember that a round starts now, on feedback up to the newest row."""
    newest = ModelStore(store).newest_feedback_id()
    store.set_meta(ATTEMPT_KEY, json.dumps({"feedback_id": newest, "at": now()}))


def last_attempt(store: Store) -> tuple[int, str | None]:
    """``(feedback_id, time)`` of the last round started (recorded or not)."""
    feedback_id, at = ModelStore(store).last_round(TASK)
    raw = store.get_meta(ATTEMPT_KEY)
    if raw:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            marker = json.loads(raw)
            if int(marker["feedback_id"]) >= feedback_id:
                feedback_id, at = int(marker["feedback_id"]), str(marker["at"])
    return feedback_id, at


def due(sift: Sift) -> str | None:
    """Why a training round should run now, or None."""
    if lock_for(sift.paths).running() is not None:
        return None
    if sift.store.label_count() < MIN_EXAMPLES:
        return None
    since, at = last_attempt(sift.store)
    new = ModelStore(sift.store).confirmed_since(since)
    if new == 0:
        return None
    settings = sift.settings
    if new >= settings.train_min_feedback:
        return f"{new} new confirmed labels (every {settings.train_min_feedback})"
    hours = settings.train_interval_hours
    if hours > 0 and at is not None:
        elapsed = (datetime.now(UTC) - datetime.fromisoformat(at)).total_seconds() / 3600
        if elapsed >= hours:
            return f"{new} new confirmed labels and {elapsed:.1f} h since the last round"
    return None


def launch(paths: Paths, *, threads: int = 1) -> subprocess.Popen[bytes]:
    """Start ``python -m assistant.trainer`` for this data folder, detached, output to a log."""
    # A report left by an earlier trainer must not pass for this one's.
    (paths.heads / REPORT_NAME).unlink(missing_ok=True)
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    paths.logs.mkdir(parents=True, exist_ok=True)
    with (paths.logs / "trainer.log").open("ab") as log_file:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assistant.trainer",
                "--data-dir",
                str(paths.data),
                "--threads",
                str(threads),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # a Ctrl-C in the GUI's terminal does not kill it mid-write
        )


_detached: set[subprocess.Popen[bytes]] = set()


def detach(proc: subprocess.Popen[bytes]) -> None:
    """Let a trainer outlive the ``Sift`` that started it, reaped by a daemon thread.

    A round publishes atomically and the next ``Sift`` loads what it
    promoted, so closing the app (or a CLI command ending) need not wait.
    The thread keeps the ``Popen`` referenced until the process ends, so it is
    neither left a zombie nor dropped while running.
    """
    if proc.poll() is not None:
        return
    _detached.add(proc)

    def reap() -> None:
        proc.wait()
        _detached.discard(proc)

    threading.Thread(target=reap, name=f"reap-trainer-{proc.pid}", daemon=True).start()


def detached_count() -> int:
    """Trainers handed over by closed ``Sift`` objects that still run."""
    return len(_detached)


def read_report(paths: Paths) -> TrainReport | None:
    """The report the last trainer subprocess wrote, if any."""
    try:
        raw = json.loads((paths.heads / REPORT_NAME).read_text(encoding="utf-8"))
        return TrainReport(**raw)
    except (OSError, ValueError, TypeError):
        return None


# -- the subprocess ----------------------------------------------------------------


def lower_priority(threads: int) -> None:
    """``nice`` the process and cap torch's threads, so the desktop stays responsive."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
        os.nice(NICE)
    import torch  # noqa: PLC0415 - lazy: the trainer is the only place that needs it at start

    torch.set_num_threads(max(1, threads))


def run_round(
    data_dir: Path | str, *, embedder: Embedder | None = None, threads: int = 1
) -> TrainReport:
    """One round in this process, as the trainer subprocess runs it.

    Args:
        data_dir: Sift's data folder.
        embedder: use this instead of the configured one (tests pass a fake).
        threads: torch threads.

    Raises:
        TrainingBusy: another trainer runs.
    """
    from assistant import reply_training  # noqa: PLC0415 - torch-side, as the learner
    from assistant.engine import Sift  # noqa: PLC0415 - the engine imports this module
    from assistant.learning import Learner  # noqa: PLC0415

    lower_priority(threads)
    with Sift(data_dir, embedder=embedder) as sift:
        lock = lock_for(sift.paths)
        with lock:
            remove_partials(sift.paths.heads)
            mark_attempt(sift.store)
            report = Learner(sift).train(refresh=False)  # the engine refreshes on reload
            if reply_training.due(sift):  # the engine serves a promoted adapter on reload
                log.info("reply round: %s", reply_training.train_reply(sift).reason)
            target = sift.paths.heads / REPORT_NAME
            part = target.with_name(target.name + ".part")
            part.write_text(json.dumps(asdict(report)), encoding="utf-8")
            part.replace(target)
    return report


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m assistant.trainer``."""
    parser = argparse.ArgumentParser(prog="python -m assistant.trainer", description=__doc__)
    parser.add_argument("--data-dir", required=True, help="Sift's data folder")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        report = run_round(args.data_dir, threads=args.threads)
    except TrainingBusy as error:
        sys.stdout.write(json.dumps({"error": str(error)}) + "\n")
        return EXIT_BUSY
    sys.stdout.write(json.dumps(asdict(report)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
