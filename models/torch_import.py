"""Import torch from a background thread without stalling the others.

``import torch`` loads ``libtorch_cpu`` (hundreds of MB of code to map and
relocate) from inside an extension import, holding the GIL all the while: a
window whose engine imported torch on its first embedding froze for 180-350 ms
on 2 cores. (``ctypes.CDLL`` holds the GIL while it loads a library too.) A
foreign call through ctypes releases the GIL, so ``dlopen`` called as a C
function loads the library first, with ``RTLD_GLOBAL``; the import then finds
it loaded and only its Python half remains, which yields the GIL like any
Python code.

The import leaves ~100,000 objects (modules, functions, classes) that live as
long as the process; every full garbage collection then walked them with the
GIL held, 40-200 ms in the desktop app. ``load_torch`` imports with the
collector off and then moves them to its permanent generation (``gc.freeze``),
as ``ui.worker.settle_heap`` does with the app's own start-up objects;
``settle`` does it again after a model is built.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

BIG = "libtorch_cpu.so" if sys.platform.startswith("linux") else "libtorch_cpu.dylib"


def _preload() -> None:
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib"
    path = folder / BIG
    if not path.is_file():
        return
    try:
        dlopen = ctypes.CDLL(None).dlopen
    except (OSError, AttributeError):
        return  # no dlopen to call: the plain import does it all
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    # A failure returns NULL: the import then loads (and reports) it as usual.
    dlopen(str(path).encode(), os.RTLD_NOW | os.RTLD_GLOBAL)


def settle() -> None:
    """Keep the objects that exist now out of later garbage collections."""
    gc.freeze()


def load_torch() -> ModuleType:
    """``torch``, imported once; the native library is loaded with the GIL released."""
    if "torch" in sys.modules:
        return sys.modules["torch"]
    if os.name == "posix":
        _preload()
    # No collection during the import either: it would walk the half-built
    # module graph, 45 ms at a time. (For every thread: the import takes ~1.5 s.)
    enabled = gc.isenabled()
    gc.disable()
    try:
        import torch  # noqa: PLC0415 - lazy: a cold import costs seconds
    finally:
        settle()
        if enabled:
            gc.enable()
    return torch
