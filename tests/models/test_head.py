"""The torch head: training, save/load round trip, corrupt artefacts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.head import HeadConfig
from models.head import HeadLoadError
from models.head import load_head
from models.head import train_head


def _data() -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    a = rng.normal(0, 0.1, (20, 8)) + np.eye(8)[0]
    b = rng.normal(0, 0.1, (20, 8)) + np.eye(8)[1]
    return np.vstack([a, b]).astype(np.float32), ["a"] * 20 + ["b"] * 20


@pytest.mark.parametrize("hidden", [0, 16])
def test_learns_a_separable_problem(hidden: int) -> None:
    x, y = _data()
    head = train_head(x, y, config=HeadConfig(hidden=hidden))
    predicted = [head.classes[i] for i in head.predict_proba(x).argmax(axis=1)]
    assert predicted == y


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    x, y = _data()
    head = train_head(x, y)
    path = tmp_path / "head.pt"
    head.save(path)
    loaded = load_head(path)
    assert loaded.classes == head.classes
    np.testing.assert_allclose(loaded.predict_proba(x), head.predict_proba(x), atol=1e-6)
    assert not list(tmp_path.glob("*.part"))


def test_corrupt_file_raises(tmp_path: Path) -> None:
    x, y = _data()
    path = tmp_path / "head.pt"
    train_head(x, y).save(path)
    path.write_bytes(b"garbage")
    with pytest.raises(HeadLoadError):
        load_head(path)


def test_other_format_raises(tmp_path: Path) -> None:
    x, y = _data()
    path = tmp_path / "head.pt"
    train_head(x, y).save(path)
    meta = path.with_name("head.pt.json")
    meta.write_text(meta.read_text().replace('"format": 1', '"format": 99'))
    with pytest.raises(HeadLoadError, match="format 99"):
        load_head(path)


def test_one_class_is_refused() -> None:
    with pytest.raises(ValueError, match="two classes"):
        train_head(np.zeros((3, 4), np.float32), ["a", "a", "a"])
