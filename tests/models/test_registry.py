"""Model references: registry names, GGUF files, folders, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.registry import ModelChoice
from models.registry import ModelNotFound
from models.registry import build_embedder
from models.registry import resolve_gguf


def test_gguf_file_and_folder_resolve(tmp_path: Path) -> None:
    model = tmp_path / "mine.gguf"
    model.write_bytes(b"GGUF....")
    path, name, version = resolve_gguf(str(model), tmp_path / "cache")
    assert path == model and name == "mine" and version.startswith("mine@")
    assert resolve_gguf(str(tmp_path), tmp_path / "cache")[0] == model


def test_folder_with_two_ggufs_is_ambiguous(tmp_path: Path) -> None:
    for name in ("a.gguf", "b.gguf"):
        (tmp_path / name).write_bytes(b"GGUF")
    with pytest.raises(ModelNotFound, match="exactly one"):
        resolve_gguf(str(tmp_path), tmp_path)


def test_unknown_reference_names_the_known_models(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match=r"qwen2\.5-0\.5b"):
        resolve_gguf("no-such-model", tmp_path)


def test_embedder_folder_without_config_is_refused(tmp_path: Path) -> None:
    from models.hf_embedder import HFLoadError

    with pytest.raises(HFLoadError, match=r"config\.json"):
        build_embedder(ModelChoice(embedder=str(tmp_path)))
    with pytest.raises(ModelNotFound):
        build_embedder(ModelChoice(embedder=str(tmp_path / "missing")))
