"""Benchmark: GUI responsiveness during ingest, and startup with 10,000 items.

Run: .venv/bin/python bench/gui.py [--limit 3000] [--items 10000] [--fake]
         [--embedder NAME] [--trace FILE]

1. **Stall.** A probe ``QTimer`` on the GUI thread ticks every 5 ms and records
   the longest gap between ticks (the event loop's longest stall) while Sift
   ingests ``--limit`` mails from ../shared/data/spamassassin (extracted to a
   temporary Maildir) and summarizes in the background. Every 250 ms it also
   posts a no-op call to the engine thread and times the round trip: that is
   how long an Accept clicked during the ingest waits. Reference: the same
   probe on the idle window, in the same run. Goal: stall < 50 ms.
2. **Startup.** The time from starting a fresh process to an interactive
   window with ``--items`` items in the store (rows shown, event loop free),
   the store built with ``Store.insert_item``. Reference: an empty store.
   Goal: < 2 s.

Without a display it runs on the offscreen platform. Real models are used
unless ``--fake``; with them only ``--summaries`` summaries are waited for.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "spamassassin.tar.gz"
PROBE_MS = 5
CALL_EVERY_MS = 250
TRACE_AFTER_S = 0.03  # --trace: stacks are dumped when a tick is this late

STARTUP_CHILD = """
import time
started = time.perf_counter()
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import apply_cjk_font, build_gui, sift_factory
app = QApplication(sys.argv[:1])
apply_cjk_font(app)
gui = build_gui(sift_factory(Path(sys.argv[1])), tray_available=False)
expected = int(sys.argv[2])
result = {}
def check():
    if gui.window.proxy.rowCount() >= expected and gui.window.isVisible():
        # One more turn of the event loop: the rows are laid out and painted.
        QTimer.singleShot(0, done)
    else:
        QTimer.singleShot(1, check)
def done():
    result["interactive_s"] = time.perf_counter() - started
    result["rows"] = gui.window.proxy.rowCount()
    app.quit()
gui.start()
QTimer.singleShot(0, check)
QTimer.singleShot(60_000, app.quit)
app.exec()
gui.shutdown()
print(json.dumps(result))
"""


def extract_maildir(limit: int, target: Path) -> int:
    """Write up to ``limit`` SpamAssassin messages into a Maildir; returns how many."""
    for sub in ("cur", "new", "tmp"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(DATA) as archive:
        for member in archive:
            if count >= limit:
                break
            if not member.isfile() or "/raw/" not in member.name:
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            (target / "cur" / f"{count:06d}.sa:2,S").write_bytes(handle.read())
            count += 1
    return count


def build_store(home: Path, items: int) -> float:
    """Fill a store with ``items`` synthetic ready mails through ``Store.insert_item``."""
    from assistant.paths import resolve
    from assistant.store import Store

    started = time.perf_counter()
    store = Store(resolve(home).ensure().database)
    try:
        with store.atomic():
            for n in range(items):
                store.insert_item(
                    {
                        "source_key": f"synthetic:{n}",
                        "kind": "mail",
                        "source_path": f"/synthetic/inbox.mbox#{n}",
                        "title": f"Quarterly report {n}: numbers, dates and a question",
                        "text": f"Hello,\n\nHere is report {n}. Could you check it by Friday?\n",
                        "quoted": "",
                        "metadata": json.dumps({"from": f"Sender {n % 97} <s{n}@example.com>"}),
                        "language": "en",
                        "content_hash": f"h{n}",
                        "item_date": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T09:00:00",
                        "state": "ready",
                        "category": ("needs-reply", "fyi", "finance", "newsletter")[n % 4],
                        "confidence": 0.5 + (n % 50) / 100,
                        "priority": (n % 100) / 100,
                    }
                )
    finally:
        store.close()
    return time.perf_counter() - started


def startup(home: Path, items: int) -> dict[str, float]:
    """Launch a fresh process on ``home`` and time it to an interactive window."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", STARTUP_CHILD, str(home), str(items)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    return result


def stall_run(
    maildir: Path,
    home: Path,
    *,
    fake: bool,
    summaries: int,
    max_s: float,
    trace: Path | None = None,
) -> dict:
    """Ingest ``maildir`` in the GUI and measure the event loop and the engine round trip.

    With ``trace``, every thread's Python stack is written there whenever the
    GUI thread misses its tick by ``TRACE_AFTER_S`` (faulthandler's watchdog
    runs without the GIL, so it sees what holds it).
    """
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QObject
    from PySide6.QtCore import QTimer
    from PySide6.QtCore import Slot
    from PySide6.QtWidgets import QApplication

    from assistant.engine import ProgressCallback
    from assistant.engine import Sift
    from models.fake import FakeEmbedder
    from models.fake import FakeGenerator
    from ui.app import build_gui
    from ui.app import sift_factory

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def factory(progress: ProgressCallback) -> Sift:
        if fake:
            return Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator(), progress=progress)
        return sift_factory(home)(progress)  # as the app builds it

    gui = build_gui(factory, tray_available=False)

    class Probe(QObject):
        """Ticks on the GUI thread; records gaps and engine round trips."""

        def __init__(self) -> None:
            super().__init__()
            self.gaps: list[float] = []
            self.calls: list[float] = []
            self.summaries = 0
            self.classified = False
            self.stage = "idle"
            self.worst: dict[str, float] = {}  # stage -> longest gap during it
            self.last = time.perf_counter()
            self.timer = QTimer(self)
            self.timer.setInterval(PROBE_MS)
            self.timer.timeout.connect(self.tick)
            self.caller = QTimer(self)
            self.caller.setInterval(CALL_EVERY_MS)
            self.caller.timeout.connect(self.call)

        def start(self) -> None:
            self.gaps.clear()
            self.last = time.perf_counter()
            self.timer.start()

        @Slot()
        def tick(self) -> None:
            now = time.perf_counter()
            gap = max(0.0, now - self.last - PROBE_MS / 1000)
            self.gaps.append(gap)
            self.worst[self.stage] = max(self.worst.get(self.stage, 0.0), gap)
            self.last = now
            if trace_file is not None:
                if gap > TRACE_AFTER_S:  # the stacks above were dumped during this stall
                    trace_file.write(f"-- the stall above lasted {1000 * gap:.0f} ms\n")
                    trace_file.flush()
                # Re-armed every tick: fires only if the next tick is late.
                faulthandler.dump_traceback_later(TRACE_AFTER_S, file=trace_file)

        @Slot()
        def call(self) -> None:
            posted = time.perf_counter()
            gui.engine.call(
                lambda _sift: None, lambda _r: self.calls.append(time.perf_counter() - posted)
            )

        @Slot(object)
        def progress(self, progress: object) -> None:
            self.stage = progress.stage
            if progress.stage == "summarize":
                self.summaries += 1
            if progress.stage == "classify" and progress.done >= progress.total:
                self.classified = True

        @Slot()
        def queue_done(self) -> None:
            self.classified = True
            self.summaries = max(self.summaries, summaries)

    collections = Collections()
    trace_file = trace.open("w") if trace is not None else None
    probe = Probe()
    gui.engine.worker.progress_changed.connect(probe.progress)
    gui.engine.worker.queue_finished.connect(probe.queue_done)
    gui.start()
    loop_until(app, lambda: gui.window.isVisible(), 30)
    # Reference: the idle window for 2 s.
    probe.start()
    loop_for(app, 2.0)
    idle = list(probe.gaps)
    probe.start()
    probe.caller.start()
    started = time.perf_counter()
    collections.start()
    gui.engine.ingest([maildir], summarize=True)
    loop_until(app, lambda: probe.classified and probe.summaries >= summaries, max_s)
    seconds = time.perf_counter() - started
    collections.stop()
    probe.timer.stop()
    probe.caller.stop()
    if trace_file is not None:
        faulthandler.cancel_dump_traceback_later()
        trace_file.close()
    rows = gui.window.proxy.rowCount()
    gui.shutdown()
    busy = probe.gaps
    return {
        "idle_max_ms": 1000 * max(idle, default=0),
        "ingest_max_ms": 1000 * max(busy, default=0),
        "ingest_p99_ms": 1000 * quantile(busy, 0.99),
        "call_max_ms": 1000 * max(probe.calls, default=0),
        "call_median_ms": 1000 * (statistics.median(probe.calls) if probe.calls else 0),
        "seconds": seconds,
        "rows": rows,
        "summaries": probe.summaries,
        "classified": probe.classified,
        "worst_by_stage_ms": {k: round(v * 1000, 1) for k, v in probe.worst.items()},
        "full_collections": len(collections.full),
        "full_collection_max_ms": 1000 * max(collections.full, default=0),
    }


class Collections:
    """Times the garbage collector's full (generation 2) passes, on any thread.

    A pass holds the GIL, so it stalls the GUI thread wherever it runs.
    """

    def __init__(self) -> None:
        self.full: list[float] = []
        self._began = 0.0

    def start(self) -> None:
        gc.callbacks.append(self._callback)

    def stop(self) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.full.append(time.perf_counter() - self._began)


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def loop_for(app: object, seconds: float) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtCore import QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def loop_until(app: object, condition: object, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while not condition() and time.perf_counter() < deadline:  # type: ignore[operator]
        loop_for(app, 0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=3000, help="mails to ingest")
    parser.add_argument("--items", type=int, default=10_000, help="items in the startup store")
    parser.add_argument("--fake", action="store_true", help="fake models (no weights)")
    parser.add_argument("--summaries", type=int, default=3, help="summaries to wait for")
    parser.add_argument("--max-seconds", type=float, default=540, help="cap on the ingest run")
    parser.add_argument("--trace", type=Path, help="write thread stacks at each stall here")
    parser.add_argument("--embedder", help="the embedder setting for the ingest (default: Sift's)")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sift-bench-gui-") as tmp:
        work = Path(tmp)
        if not args.skip_startup:
            build_s = build_store(work / "big", args.items)
            empty = startup(work / "empty", 0)
            big = startup(work / "big", args.items)
            print(f"startup store: {args.items} items built in {build_s:.1f} s")
            print(
                f"startup to interactive: {big['interactive_s']:.2f} s with {big['rows']} rows"
                f" vs {empty['interactive_s']:.2f} s empty"
                f" (x{big['interactive_s'] / max(empty['interactive_s'], 1e-9):.2f});"
                f" goal < 2 s: {'met' if big['interactive_s'] < 2 else 'NOT met'}"
            )
        if not args.skip_ingest:
            if not DATA.is_file():
                print(f"skipping the stall run: {DATA} is absent")
                return 0
            count = extract_maildir(args.limit, work / "Maildir")
            if args.embedder:
                from assistant import settings as settings_module
                from assistant.paths import resolve

                settings_module.save(
                    settings_module.Settings(embedder=args.embedder),
                    resolve(work / "home").settings,
                )
            result = stall_run(
                work / "Maildir",
                work / "home",
                fake=args.fake,
                summaries=args.summaries,
                max_s=args.max_seconds,
                trace=args.trace,
            )
            idle = max(result["idle_max_ms"], 1e-3)
            print(
                f"ingest of {count} mails ({'fake' if args.fake else 'real'} models,"
                f" {result['summaries']} summaries, {result['seconds']:.0f} s,"
                f" {result['rows']} rows, classified: {result['classified']})"
            )
            print(
                f"longest GUI stall: {result['ingest_max_ms']:.1f} ms during ingest"
                f" (p99 {result['ingest_p99_ms']:.1f} ms) vs {result['idle_max_ms']:.1f} ms idle"
                f" (x{result['ingest_max_ms'] / idle:.1f}); goal < 50 ms:"
                f" {'met' if result['ingest_max_ms'] < 50 else 'NOT met'}"
            )
            print(f"longest stall by engine stage (ms): {result['worst_by_stage_ms']}")
            print(
                f"full garbage collections during ingest: {result['full_collections']},"
                f" longest {result['full_collection_max_ms']:.1f} ms"
            )
            print(
                f"engine round trip during ingest (an Accept's wait): median"
                f" {result['call_median_ms']:.0f} ms, max {result['call_max_ms']:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
