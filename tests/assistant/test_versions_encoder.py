"""Encoder versions: rollback to an earlier fine-tune or the configured folder, with the
vectors and the head that belong to it (a fake folder encoder stands in for transformers)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assistant.engine
import models.hf_embedder
import models.setfit
from assistant import Sift
from assistant.errors import UserError
from assistant.settings import Settings
from assistant.store_models import ModelStore
from assistant.types import ModelKind
from models.base import ModelInfo
from models.fake import FakeEmbedder
from models.fake import FakeGenerator
from models.hf_embedder import folder_version
from models.publish import publish_dir
from tests.helpers.training import labelled_items


class FolderEmbedder:
    """A 'transformers' encoder folder: fake vectors, salted by the folder's weights."""

    instances: list[FolderEmbedder] = []  # noqa: RUF012 - test bookkeeping

    def __init__(self, folder: Path, **_: Any) -> None:
        self.folder = folder
        self._inner = FakeEmbedder(dim=64)
        weights = (folder / "weights.bin").read_bytes()
        self._salt = int(hashlib.md5(weights).hexdigest()[:4], 16) % 64
        self.calls = 0
        FolderEmbedder.instances.append(self)

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            name=self.folder.name,
            version=folder_version(self.folder),
            path=str(self.folder),
            backend="transformers",
        )

    @property
    def dim(self) -> int:
        return 64

    def embed(self, texts: Any, *, query: bool = False) -> np.ndarray:
        self.calls += len(texts)
        return np.roll(self._inner.embed(texts, query=query), self._salt, axis=1)

    def close(self) -> None:
        return None


def fake_fine_tune(folder: Path, texts: Any, labels: Any, target: Path, **_: Any) -> Path:
    """A 'fine-tune': a folder with other weights (so another version), published atomically."""

    def write(part: Path) -> None:
        (part / "config.json").write_text("{}")
        (part / "weights.bin").write_bytes(b"tuned" + target.name.encode() * 3)

    return publish_dir(target, write)


@pytest.fixture
def sift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sift]:
    base = tmp_path / "encoder"
    base.mkdir()
    (base / "config.json").write_text("{}")
    (base / "weights.bin").write_bytes(b"base weights")
    monkeypatch.setattr(
        assistant.engine, "build_embedder", lambda c: FolderEmbedder(Path(c.embedder))
    )
    monkeypatch.setattr(models.hf_embedder, "HFEmbedder", FolderEmbedder)
    monkeypatch.setattr(models.setfit, "fine_tune_encoder", fake_fine_tune)
    settings = Settings(
        embedder=str(base),
        summarize=False,
        train_min_feedback=10_000,
        train_interval_hours=0,
        promote_tolerance=1.0,  # the fake fine-tune is no better: let the gate pass it
    )
    with Sift(tmp_path / "home", settings=settings, generator=FakeGenerator()) as sift:
        yield sift


def vectors(sift: Sift, ids: list[int], version: str) -> list[np.ndarray | None]:
    return [sift.store.embedding(i, version) for i in ids]


def active(sift: Sift, kind: str) -> list[str]:
    return [v.version for v in sift.model_versions(kind) if v.active]


def test_encoder_rollback_serves_base_with_its_vectors_and_head(sift: Sift, tmp_path: Path) -> None:
    """GIVEN head-v1 on the configured encoder, then encoder-v1 promoted with head-v2
    WHEN the encoder is rolled back THEN the configured encoder serves with head-v1,
    the very vectors head-v1 was trained on are restored (none embedded again), and
    rolling forward serves encoder-v1 with head-v2 again; a new Sift agrees."""
    ids = labelled_items(sift, tmp_path / "a", per_topic=4, quiet=True)
    base = sift.embedder.info.version
    assert sift.train().promoted
    before = vectors(sift, ids, base)
    assert all(v is not None for v in before)
    probe = sift.triage.head.predict_proba(np.stack(before))  # type: ignore[union-attr]

    report = sift.train_encoder()
    assert report.promoted and report.version == "encoder-v1", report.reason
    tuned = sift.embedder.info.version
    assert tuned != base and sift.triage.head_version == "head-v2"
    assert active(sift, "encoder") == ["encoder-v1"] and active(sift, "head") == ["head-v2"]
    tuned_vectors = vectors(sift, ids, tuned)

    rolled = sift.rollback("encoder")
    assert rolled.kind == ModelKind.ENCODER and rolled.version == "base"
    assert rolled.replaced == "encoder-v1" and rolled.model is None
    assert sift.embedder.info.version == base
    assert sift.triage.head_version == "head-v1"
    assert active(sift, "encoder") == [] and active(sift, "head") == ["head-v1"]
    assert f"{len(ids)} stored vectors restored" in rolled.notes[0]
    assert "head head-v1 (trained on it) serves" in rolled.notes[1]
    restored = vectors(sift, ids, base)
    for old, new in zip(before, restored, strict=True):
        np.testing.assert_array_equal(old, new)
    assert FolderEmbedder.instances[-1].calls == 0  # nothing embedded again
    again = sift.triage.head.predict_proba(np.stack(restored))  # type: ignore[union-attr]
    np.testing.assert_array_equal(probe, again)
    with pytest.raises(UserError, match="configured encoder serves already"):
        sift.rollback("encoder")

    forward = sift.rollback("encoder", "encoder-v1")
    assert forward.version == "encoder-v1" and forward.replaced == "base"
    assert sift.embedder.info.version == tuned and sift.triage.head_version == "head-v2"
    for old, new in zip(tuned_vectors, vectors(sift, ids, tuned), strict=True):
        np.testing.assert_array_equal(old, new)
    with Sift(sift.paths.data, settings=sift.settings, generator=FakeGenerator()) as reopened:
        assert reopened.embedder.info.version == tuned
        assert reopened.triage.head_version == "head-v2"


def test_encoder_without_a_head_serves_memory_only(sift: Sift, tmp_path: Path) -> None:
    """GIVEN encoder-v1 promoted before any head was trained on the configured encoder
    WHEN rolled back to base THEN no head serves (none was trained on it), and it says so."""
    labelled_items(sift, tmp_path / "a", per_topic=4, quiet=True)
    assert sift.train_encoder().promoted
    assert active(sift, "head") == ["head-v1"]  # trained on encoder-v1
    rolled = sift.rollback("encoder", "base")
    assert sift.triage.head is None and active(sift, "head") == []
    assert "no head was trained on it" in rolled.notes[1]
    with pytest.raises(UserError, match="trained on"):
        sift.rollback("head", "head-v1")  # a head of another encoder cannot serve


def test_a_crash_during_the_switch_leaves_the_old_encoder_serving(
    sift: Sift, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labelled_items(sift, tmp_path / "a", per_topic=4, quiet=True)
    assert sift.train().promoted
    assert sift.train_encoder().promoted
    tuned = sift.embedder.info.version
    original: Callable[..., Any] = ModelStore.activate

    def crash(self: ModelStore, task: str, version: str) -> Any:
        if task == str(ModelKind.HEAD):
            raise RuntimeError("killed mid-switch")
        return original(self, task, version)

    monkeypatch.setattr(ModelStore, "activate", crash)
    with pytest.raises(RuntimeError, match="killed"):
        sift.rollback("encoder")
    monkeypatch.undo()
    assert active(sift, "encoder") == ["encoder-v1"] and active(sift, "head") == ["head-v2"]
    with Sift(sift.paths.data, settings=sift.settings, generator=FakeGenerator()) as reopened:
        assert reopened.embedder.info.version == tuned
        assert reopened.triage.head_version == "head-v2"


def test_injected_embedders_have_no_encoder_versions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with (
        Sift(home, embedder=FakeEmbedder(), generator=FakeGenerator()) as sift,
        pytest.raises(UserError, match="given its own embedder"),
    ):
        sift.rollback("encoder")
