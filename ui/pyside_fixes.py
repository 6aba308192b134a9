"""Workarounds for bugs in the PySide6 release Sift runs on, applied on import of ``ui``.

# WORKAROUND: PySide6 6.12.0 on CPython < 3.12: ``SignalInstance.emit()``
# returns ``True`` without taking a reference, so every emit from Python
# drops one reference to ``True``. After a few hundred to a few thousand
# emits (3.11 starts ``True`` at a few hundred references) the interpreter
# aborts with "Fatal Python error: bool_dealloc". The GUI emits a signal per
# changed item, so an ingest of a few thousand mails would crash Sift.
# ``True`` and ``False`` are static singletons that are never freed, so giving
# them a huge reference count is harmless (done on any PySide6 version);
# ``None`` gets the same: a Python ``data()`` of a Qt item model that returns
# ``None`` (the normal "no data for this role") loses one reference to it per
# call on the same release, and views call ``data()`` thousands of times.
# CPython 3.12+ makes them immortal (reference counts are ignored), so
# nothing is done there.
"""

from __future__ import annotations

import ctypes
import sys

# Enough references for ~10^15 emits; far from overflowing a signed 64-bit count.
EXTRA_REFERENCES = 1 << 50
_pinned = False


def emit_drops_true_references() -> bool:
    """Whether the ``emit`` reference bug can hurt: CPython before 3.12.

    Not narrowed to PySide6 6.12: that would import PySide6 here, and
    ``import ui`` must stay Qt-free for the CLI; pinning is harmless anyway.
    """
    return sys.version_info < (3, 12)


def pin_booleans() -> bool:
    """Give ``True``, ``False`` and ``None`` spare references if needed; returns whether it did."""
    global _pinned  # once per process
    if _pinned or not emit_drops_true_references():
        return False
    for value in (True, False, None):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(value)).value += EXTRA_REFERENCES
    _pinned = True
    return True
