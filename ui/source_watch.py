"""Watching the sources while the window is open.

``assistant.watcher.Watcher`` calls back on its own thread with paths that
are stable; ``SourceWatcher`` turns that into a queued Qt signal and hands the
changed files to the engine thread (never to the GUI thread's own work), as
``sift watch`` does in the CLI: a changed file inside a folder source is read
alone, a changed mailbox is read again from where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot

from assistant.engine import Sift
from assistant.sources import SourceKind
from assistant.watcher import Watcher
from ui.client import EngineClient
from ui.overview import SourceCount

log = logging.getLogger(__name__)


def ingest_targets(paths: Iterable[Path], sources: Iterable[SourceCount]) -> list[Path]:
    """What to read again for changed ``paths``: the file in a folder, else the source."""
    targets: set[Path] = set()
    sources = list(sources)
    for path in paths:
        for source in sources:
            root = Path(source.path)
            if path == root or root in path.parents:
                targets.add(path if source.kind == SourceKind.FOLDER else root)
    return sorted(targets)


class SourceWatcher(QObject):
    """Watches the unpaused sources and sends changes to the engine.

    Args:
        engine: the handle on the engine thread.
        delay: seconds a file must be stable before it is read.
        summarize: whether changed items get summaries.

    Signals:
        paths_changed(list): stable paths (emitted on the watcher's thread, queued here).
    """

    paths_changed = Signal(list)

    def __init__(
        self,
        engine: EngineClient,
        *,
        delay: float = 1.0,
        summarize: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.delay = delay
        self.summarize = summarize
        self.sources: tuple[SourceCount, ...] = ()
        self.watcher: Watcher | None = None
        self.paths_changed.connect(self._on_paths_changed)

    @property
    def watching(self) -> list[str]:
        """The paths watched now."""
        return [s.path for s in self.sources if not s.paused] if self.watcher else []

    def set_sources(self, sources: Iterable[SourceCount]) -> None:
        """Watch these sources (restarts the watcher only when the set changed)."""
        wanted = tuple(s for s in sources if not s.paused)
        key = [(s.kind, s.path) for s in wanted]
        if self.watcher is not None and key == [(s.kind, s.path) for s in self.sources]:
            return
        self.stop()
        self.sources = wanted
        if not wanted:
            return
        self.watcher = Watcher(key, self._on_stable, delay=self.delay)
        try:
            self.watcher.start()
        except OSError as error:
            log.warning("cannot watch the sources: %s", error)
            self.watcher = None

    def _on_stable(self, paths: list[Path]) -> None:
        # The watcher's thread: only emit (a queued signal crosses to the GUI thread).
        self.paths_changed.emit([str(p) for p in paths])

    @Slot(list)
    def _on_paths_changed(self, paths: list[str]) -> None:
        targets = ingest_targets([Path(p) for p in paths], self.sources)
        if targets:
            self.engine.ingest(targets, summarize=self.summarize)
        roots = [s.path for s in self.sources]
        self.engine.call(lambda sift: _reconcile(sift, roots))

    def stop(self) -> None:
        """Stop watching and wait for the watcher's threads (idempotent)."""
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None


def _reconcile(sift: Sift, roots: list[str]) -> list[int]:
    return sift.reconcile(roots)
