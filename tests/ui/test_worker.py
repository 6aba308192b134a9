"""EngineWorker's slots, called directly on the test thread (no QThread)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import SignalInstance
from pytestqt.qtbot import QtBot

from assistant.engine import ProgressCallback
from assistant.engine import Sift
from assistant.types import Item
from models.fake import FakeEmbedder
from tests.ui.conftest import sift_with
from ui.app import Gui
from ui.worker import EngineWorker
from ui.worker import SiftFactory


def collect(signal: SignalInstance) -> list[tuple]:
    seen: list[tuple] = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def test_bug_becomes_failed_with_traceback() -> None:
    """GIVEN a factory that hits a bug THEN ``failed`` carries the traceback."""

    def broken(_progress: ProgressCallback) -> Sift:
        raise RuntimeError("no engine today")

    worker = EngineWorker(broken)
    failed = collect(worker.failed)
    worker.open()
    assert len(failed) == 1
    assert "RuntimeError: no engine today" in failed[0][0]
    assert "Traceback" in failed[0][0]


def test_user_error_becomes_a_plain_message(fake_factory: SiftFactory, tmp_path: Path) -> None:
    """GIVEN a missing folder WHEN it is added as a source THEN ``failed`` says so, briefly."""
    worker = EngineWorker(fake_factory)
    worker.open()
    failed = collect(worker.failed)
    worker.add_source(str(tmp_path / "missing"), True)
    assert len(failed) == 1
    assert failed[0][0].startswith("no such file or folder")
    assert "Traceback" not in failed[0][0]
    worker.close()


def test_ingest_reports_progress_and_items(
    qtbot: QtBot, fake_factory: SiftFactory, inbox: Path
) -> None:
    """GIVEN an ingest THEN items are stored and sent as read, then classified in re-posted
    slices; only the rows read are sent, never the whole list again."""
    worker = EngineWorker(fake_factory)
    worker.open()
    progress = collect(worker.progress_changed)
    busy = collect(worker.busy_changed)
    loaded = collect(worker.items_loaded)
    added = collect(worker.items_added)
    changed = collect(worker.item_changed)
    with qtbot.waitSignal(worker.queue_finished, timeout=5000):
        worker.ingest([str(inbox)], False)
        assert busy == [(True,)]  # the queue is worked through after this slot returns
    assert {args[0].stage for args in progress} >= {"read", "classify"}
    assert busy == [(True,), (False,)]
    items: list[Item] = [item for args in added for item in args[0]]
    assert len(items) == 2
    assert {item.state for item in items} == {"pending"}  # read, not yet classified
    assert loaded == []
    assert {args[0].state for args in changed} == {"ready"}
    assert {args[0].id for args in changed} == {item.id for item in items}
    worker.close()


def test_feedback_runs_between_slices(
    qtbot: QtBot, fake_factory: SiftFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a long queue WHEN a call is posted during processing
    THEN it runs before the queue is done (the queue is sliced)."""
    from tests.helpers.mail import make_mail
    from ui import slicing

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(80):
        (folder / f"m{n}.eml").write_bytes(
            make_mail(f"Mail {n}", f"Body number {n}.", message_id=f"m{n}@x")
        )
    monkeypatch.setattr(slicing, "SLICE_SECONDS", 0.0)  # one batch per slice
    worker = EngineWorker(fake_factory)
    worker.open()
    order: list[str] = []
    worker.queue_finished.connect(lambda: order.append("queue done"))
    worker.call_finished.connect(lambda _id, result: order.append(result))
    worker.ingest([str(folder)], False)
    worker.run_call(1, lambda sift: "call ran")
    # Posted after ingest returned: a queued call, as the GUI thread's would be.
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: worker.run_call(2, lambda sift: "queued call ran"))
    qtbot.waitUntil(lambda: "queue done" in order, timeout=10_000)
    assert order.index("queued call ran") < order.index("queue done")
    worker.close()


def test_stop_cancels_and_refuses_new_work(fake_factory: SiftFactory, inbox: Path) -> None:
    worker = EngineWorker(fake_factory)
    worker.open()
    sift = worker._sift
    assert sift is not None
    worker.request_stop()
    assert sift.cancel.is_set()
    ingested = collect(worker.ingested)
    worker.ingest([str(inbox)], False)
    assert ingested == []
    closed = collect(worker.closed)
    worker.close()
    assert closed == [()]


@pytest.mark.parametrize("correct", ["", "recipe"])
def test_reject_sends_the_changed_item(
    qtbot: QtBot, fake_factory: SiftFactory, inbox: Path, correct: str
) -> None:
    worker = EngineWorker(fake_factory)
    worker.open()
    with qtbot.waitSignal(worker.queue_finished, timeout=5000):
        worker.ingest([str(inbox)], False)
    assert worker._sift is not None
    doc = next(i for i in worker._sift.items() if i.kind == "document")
    (first, *_) = worker._sift.suggestions(doc.id)
    changed = collect(worker.item_changed)
    decided = collect(worker.feedback_recorded)
    suggestions = collect(worker.suggestions_loaded)
    worker.reject(first.id, correct)
    assert decided[0][0].state == "rejected"
    assert suggestions[-1][0] == doc.id
    assert first.id not in {s.id for s in suggestions[-1][1]}
    if correct:
        assert any(args[0].id == doc.id and args[0].category == correct for args in changed)
    worker.close()


def test_a_waiting_command_ends_the_slice_early(
    qtbot: QtBot, fake_factory: SiftFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a slice long enough for the whole queue WHEN a command is posted during it
    THEN the slice stops after the item in progress and the command runs next
    (posted as the client does: counted, then queued)."""
    from PySide6.QtCore import QObject
    from PySide6.QtCore import Qt
    from PySide6.QtCore import Signal

    from tests.helpers.mail import make_mail
    from ui import slicing

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(80):
        (folder / f"m{n}.eml").write_bytes(
            make_mail(f"Mail {n}", f"Body number {n}.", message_id=f"m{n}@x")
        )
    monkeypatch.setattr(slicing, "SLICE_SECONDS", 60.0)

    class Poster(QObject):
        call = Signal(int, object)

    worker = EngineWorker(fake_factory)
    worker.open()
    poster = Poster()
    queued = Qt.ConnectionType.QueuedConnection
    poster.call.connect(worker.command_started, queued)
    poster.call.connect(worker.run_call, queued)
    order: list[object] = []
    worker.queue_finished.connect(lambda: order.append("queue done"))
    worker.call_finished.connect(lambda _id, result: order.append(result))

    sift = worker._sift
    assert sift is not None
    classify_one = sift.pipeline._classify_one
    classified: list[int] = []

    def classify_and_post(item: Item, *args: object, **kwargs: object) -> None:
        classify_one(item, *args, **kwargs)
        classified.append(item.id)
        if len(classified) == 3:  # mid-batch: the GUI thread posts a command now
            worker.commands.posted()
            poster.call.emit(1, lambda sift: sift.store.job_count())

    monkeypatch.setattr(sift.pipeline, "_classify_one", classify_and_post)
    worker.ingest([str(folder)], False)
    qtbot.waitUntil(lambda: "queue done" in order, timeout=10_000)
    assert order[0] == 80 - 3  # it ran right after the third item, not after the batch
    assert order[-1] == "queue done"
    assert not worker.commands.waiting
    worker.close()


def test_the_client_counts_each_command_until_it_starts(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN commands of every shape posted through the client WHEN the last has run
    THEN none reads as waiting (else background slices would give way for ever)."""
    results: list[object] = []
    gui.engine.load_items()
    gui.engine.load_suggestions(12345)
    gui.engine.label(12345, "fyi")  # fails: no such item; it still counts as started
    gui.engine.load_overview()
    gui.engine.call(lambda sift: "last", results.append)
    qtbot.waitUntil(lambda: results == ["last"], timeout=10_000)
    assert not gui.engine.worker.commands.waiting


def test_a_command_runs_while_a_background_summary_is_written(
    qtbot: QtBot, home: Path, inbox: Path
) -> None:
    """GIVEN the queue's summaries WHEN a command is posted while the model writes one
    THEN the command runs before that summary is done, and the summary is kept after."""
    from PySide6.QtCore import QTimer

    from models.fake import FakeGenerator

    class GatedGenerator(FakeGenerator):
        """Holds every call until the test opens the gate."""

        def __init__(self) -> None:
            super().__init__()
            self.entered = threading.Event()
            self.gate = threading.Event()

        def generate(self, *args: object, **kwargs: object) -> object:
            self.entered.set()
            self.gate.wait(timeout=10)
            return super().generate(*args, **kwargs)

    generator = GatedGenerator()
    worker = EngineWorker(sift_with(home, generator=generator))
    worker.open()
    order: list[str] = []
    worker.call_finished.connect(lambda _id, result: order.append(result))
    worker.queue_finished.connect(lambda: order.append("queue done"))
    worker.ingest([str(inbox)], True)
    qtbot.waitUntil(generator.entered.is_set, timeout=10_000)
    QTimer.singleShot(0, lambda: worker.run_call(1, lambda sift: "call ran"))
    qtbot.waitUntil(lambda: "call ran" in order, timeout=5_000)
    assert not generator.gate.is_set()  # the summary is still being written
    generator.gate.set()
    qtbot.waitUntil(lambda: "queue done" in order, timeout=10_000)
    assert order == ["call ran", "queue done"]
    assert worker._sift is not None
    assert all(item.summary is not None for item in worker._sift.items())
    worker.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_background_work_runs_at_a_lower_priority(
    qtbot: QtBot, fake_factory: SiftFactory, inbox: Path
) -> None:
    """GIVEN an ingest THEN the models ran on a thread with a lower CPU priority, while
    the engine thread (which holds the GIL in Python code) kept its own."""
    from ui.slicing import ENGINE_NICE

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = nice()
    worker = EngineWorker(fake_factory)
    worker.open()
    with qtbot.waitSignal(worker.queue_finished, timeout=5000):
        worker.ingest([str(inbox)], True)
    background = [t.native_id for t in threading.enumerate() if t.name.startswith("sift-back")]
    assert background
    assert {os.getpriority(os.PRIO_PROCESS, tid or 0) for tid in background} == {
        max(before, ENGINE_NICE)
    }
    assert nice() == before
    worker.close()


def test_settle_heap_freezes_what_is_alive_after_a_collection() -> None:
    """GIVEN long-lived objects WHEN the engine settles the heap THEN they are frozen
    (no full GC pass scans them again), and young garbage in cycles was collected first."""
    import gc
    import weakref

    from ui.worker import settle_heap

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    gc.unfreeze()
    garbage = weakref.ref(Cycle())  # unreachable, but a cycle: only the collector frees it
    kept = [Cycle()]
    settle_heap()
    try:
        assert garbage() is None
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # frozen: out of every scan
    finally:
        gc.unfreeze()


def test_an_ingest_ends_by_sending_what_its_slices_did_not(
    qtbot: QtBot, fake_factory: SiftFactory, inbox: Path
) -> None:
    """GIVEN items the slices never sent (an attachment's) and an item whose file went away
    WHEN an ingest finishes reading THEN the first come in items_added, the second in
    items_removed, and nothing unchanged is sent again."""
    worker = EngineWorker(fake_factory)
    worker.open()
    with qtbot.waitSignal(worker.queue_finished, timeout=5000):
        worker.ingest([str(inbox)], False)
    sift = worker._sift
    assert sift is not None
    minutes = next(i for i in sift.items() if i.kind == "document")
    (inbox / "minutes.txt").unlink()
    assert sift.reconcile([inbox]) == [minutes.id]
    unseen = next(i for i in sift.items() if i.kind == "mail")
    del worker._known[unseen.id]  # as for an attachment, stored beside its mail
    added = collect(worker.items_added)
    removed = collect(worker.items_removed)
    other = inbox.parent / "other"  # a read that stores nothing: only the end sends
    other.mkdir()
    with qtbot.waitSignal(worker.queue_finished, timeout=5000):
        worker.ingest([str(other)], False)
    assert removed == [([minutes.id],)]
    assert [item.id for args in added for item in args[0]] == [unseen.id]
    assert minutes.id not in worker._known
    worker.close()


def test_opening_loads_the_embedder_on_the_background_thread(home: Path) -> None:
    """GIVEN an engine that opens THEN the embedding model is loaded at once, on a thread
    of its own at the normal priority (its one long GIL hold comes with the window's
    start-up, not during an ingest) and the engine thread does not wait for it."""
    embedder = GatedEmbedder()
    worker = EngineWorker(sift_with(home, embedder=embedder))
    opened = collect(worker.opened)
    worker.open()  # returns while the warm-up embed is held at the gate
    assert opened
    embedder.gate.set()
    worker.close()
    assert embedder.threads[0] == "sift-warm-up"
    assert embedder.nice[0] == os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_an_embedder_that_cannot_load_does_not_stop_the_engine_opening(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN an embedding model that fails to load THEN the engine still opens, the
    failure is logged, and no error is shown for it until an item needs the model."""

    class BrokenEmbedder(FakeEmbedder):
        def embed(self, texts: object, *, query: bool = False) -> object:
            raise OSError("model file is corrupt")

    worker = EngineWorker(sift_with(home, embedder=BrokenEmbedder()))
    opened, failed = collect(worker.opened), collect(worker.failed)
    worker.open()
    worker.close()  # waits for the warm-up
    assert opened and not failed
    assert "model file is corrupt" in caplog.text


def test_the_queue_waits_for_the_embedder_to_load(qtbot: QtBot, home: Path, inbox: Path) -> None:
    """GIVEN the embedding model still loading at open WHEN an ingest is asked for THEN
    nothing is read until the load ends (the window does not repaint new rows against
    torch's import), commands still run meanwhile, and the ingest then completes."""
    embedder = GatedEmbedder()
    worker = EngineWorker(sift_with(home, embedder=embedder))
    worker.open()
    added, results = collect(worker.items_added), collect(worker.call_finished)
    worker.ingest([str(inbox)], False)
    worker.run_call(1, lambda sift: len(sift.items()))
    qtbot.wait(200)
    assert results == [(1, 0)] and not added  # the command ran; nothing was read
    with qtbot.waitSignal(worker.queue_finished, timeout=10_000):
        embedder.gate.set()
    assert worker._sift is not None and len(worker._sift.items()) == 2
    worker.close()


class GatedEmbedder(FakeEmbedder):
    """Holds every call until the test opens the gate; records each caller's thread."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []
        self.nice: list[int] = []
        self.gate = threading.Event()

    def embed(self, texts: object, *, query: bool = False) -> object:
        self.threads.append(threading.current_thread().name)
        self.nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        self.gate.wait(timeout=10)
        return super().embed(texts, query=query)  # type: ignore[arg-type]
