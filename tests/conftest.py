"""Shared test setup: headless Qt, strict logging, fake and real model fixtures."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Sift
from assistant.settings import Settings
from models.base import Embedder
from models.base import Generator
from models.fake import FakeEmbedder
from models.fake import FakeGenerator

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample"
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use Qt fixtures get the ``gui`` marker (as qutebrowser does)."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def fake_sift(tmp_path: Path) -> Iterator[Sift]:
    """A Sift on a fresh database with deterministic fake models."""
    with Sift(
        tmp_path / "home",
        embedder=FakeEmbedder(),
        generator=FakeGenerator(),
        settings=Settings(),
    ) as sift:
        yield sift


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the default LLM is assembled: the user's cache unless SIFT_CACHE says otherwise."""
    from assistant.paths import resolve

    return resolve().cache


@pytest.fixture(scope="session")
def real_generator(model_cache: Path) -> Iterator[Generator]:
    """The default GGUF LLM, loaded once per session."""
    from models.registry import ModelChoice
    from models.registry import build_generator

    generator = build_generator(ModelChoice(), model_cache)
    yield generator
    generator.close()


@pytest.fixture(scope="session")
def real_embedder() -> Iterator[Embedder]:
    """The default multilingual embedder, loaded once per session."""
    from models.registry import ModelChoice
    from models.registry import build_embedder

    embedder = build_embedder(ModelChoice())
    yield embedder
    embedder.close()
