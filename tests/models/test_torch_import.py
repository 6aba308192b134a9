"""Importing torch with its native library loaded off the GIL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from models import torch_import

ROOT = Path(__file__).resolve().parents[2]


def test_load_torch_imports_a_working_torch_in_a_fresh_process() -> None:
    code = (
        "import sys; from models.torch_import import load_torch; t = load_torch(); "
        "assert sys.modules['torch'] is t; print(int(t.ones(3).sum()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"


def test_preload_tolerates_no_torch_and_a_broken_library(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(torch_import.importlib.util, "find_spec", lambda name: None)
    torch_import._preload()  # nothing to load: the plain import will say why

    spec = SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libtorch_cpu.so").write_bytes(b"not a library")
    monkeypatch.setattr(torch_import.importlib.util, "find_spec", lambda name: spec)
    torch_import._preload()  # dlopen fails (NULL): the plain import will report it
