"""Waiting on the engine thread's signals from tests.

pytest-qt's ``waitSignal`` connects a plain callable, and PySide runs a plain
callable in the emitting thread: for the worker's signals that is the engine
thread, so the blocker's timer and event loop get touched from the wrong
thread ("Timers cannot be stopped from another thread") and can miss the
signal. ``Relay`` is a QObject on the GUI thread: a bound method of it gets a
queued connection, and its own ``received`` signal is safe to wait on.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtCore import SignalInstance


class Relay(QObject):
    """Re-emits a (cross-thread) signal on the GUI thread.

    Attributes:
        calls: the argument lists received so far.

    Signals:
        received(list): the arguments of one emission.
    """

    received = Signal(list)

    def __init__(self, signal: SignalInstance) -> None:
        super().__init__()
        self.calls: list[list[Any]] = []
        signal.connect(self._forward)

    def _forward(self, *args: Any) -> None:
        self.calls.append(list(args))
        self.received.emit(list(args))
