"""Shared test setup: headless Qt, strict logging, fake and real model fixtures."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from assistant import Sift  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from models.base import Embedder  # noqa: E402
from models.base import Generator  # noqa: E402
from models.fake import FakeEmbedder  # noqa: E402
from models.fake import FakeGenerator  # noqa: E402

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
    from assistant.paths import resolve  # noqa: PLC0415

    return resolve().cache


@pytest.fixture(scope="session")
def real_generator(model_cache: Path) -> Iterator[Generator]:
    """The default GGUF LLM, loaded once per session."""
    from models.registry import ModelChoice  # noqa: PLC0415
    from models.registry import build_generator  # noqa: PLC0415

    generator = build_generator(ModelChoice(), model_cache)
    yield generator
    generator.close()


@pytest.fixture(scope="session")
def real_embedder() -> Iterator[Embedder]:
    """The default multilingual embedder, loaded once per session."""
    from models.registry import ModelChoice  # noqa: PLC0415
    from models.registry import build_embedder  # noqa: PLC0415

    embedder = build_embedder(ModelChoice())
    yield embedder
    embedder.close()
