"""Tests for models/llama_backend.py: loading around llama.cpp's AMX crash."""

from __future__ import annotations

from typing import Any
from typing import ClassVar

import pytest

from models import llama_backend

llama_cpp = pytest.importorskip("llama_cpp")
native = pytest.importorskip("llama_cpp.llama_cpp")

WITH_AMX = b"CPU : AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | OPENMP = 1 | REPACK = 1 | "
WITHOUT_AMX = b"CPU : AVX2 = 1 | AVX512 = 1 | OPENMP = 1 | REPACK = 1 | "


class RecordingLlama:
    """Stands in for ``llama_cpp.Llama``: reads the defaults as the real one does."""

    seen: ClassVar[list[tuple[str, bool, dict[str, Any]]]] = []

    def __init__(self, *, model_path: str, **kwargs: Any) -> None:
        params = native.llama_model_default_params()
        RecordingLlama.seen.append((model_path, params.use_extra_bufts, kwargs))


class FailingLlama:
    def __init__(self, **_kwargs: Any) -> None:
        raise ValueError("Failed to load model from file")


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool, dict[str, Any]]]:
    RecordingLlama.seen = []
    monkeypatch.setattr(llama_cpp, "Llama", RecordingLlama)
    return RecordingLlama.seen


def test_amx_build_loads_without_extra_buffer_types(
    monkeypatch: pytest.MonkeyPatch, recorder: list[tuple[str, bool, dict[str, Any]]]
) -> None:
    """GIVEN a llama.cpp build with AMX kernels WHEN a model is opened
    THEN it loads with extra buffer types off, and the defaults are restored after."""
    monkeypatch.setattr(llama_cpp, "llama_print_system_info", lambda: WITH_AMX)
    defaults = native.llama_model_default_params
    llama_backend.open_llama("/models/m.gguf", n_ctx=128, verbose=False)
    assert recorder == [("/models/m.gguf", False, {"n_ctx": 128, "verbose": False})]
    assert native.llama_model_default_params is defaults
    assert native.llama_model_default_params().use_extra_bufts is True


def test_build_without_amx_loads_as_usual(
    monkeypatch: pytest.MonkeyPatch, recorder: list[tuple[str, bool, dict[str, Any]]]
) -> None:
    """GIVEN a build without AMX kernels WHEN a model is opened THEN llama.cpp's defaults hold."""
    monkeypatch.setattr(llama_cpp, "llama_print_system_info", lambda: WITHOUT_AMX)
    llama_backend.open_llama("/models/m.gguf")
    assert recorder == [("/models/m.gguf", True, {})]


def test_failed_load_restores_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN an AMX build WHEN the model fails to load THEN the error passes and
    llama.cpp's own defaults are back for the next load."""
    monkeypatch.setattr(llama_cpp, "llama_print_system_info", lambda: WITH_AMX)
    monkeypatch.setattr(llama_cpp, "Llama", FailingLlama)
    defaults = native.llama_model_default_params
    with pytest.raises(ValueError, match="Failed to load"):
        llama_backend.open_llama("/models/broken.gguf")
    assert native.llama_model_default_params is defaults


def test_amx_detection_reads_the_build() -> None:
    """The check answers from the real build's own system info."""
    info = llama_cpp.llama_print_system_info()
    assert llama_backend.amx_kernels_built() is (b"AMX_INT8 = 1" in info)
