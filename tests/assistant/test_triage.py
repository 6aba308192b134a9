"""Triage: zero-shot from descriptions, immediate memory, abstention, head mixing."""

from __future__ import annotations

import numpy as np

from assistant.triage import Example
from assistant.triage import Triage
from assistant.types import Category
from assistant.types import ItemKind
from models.fake import FakeEmbedder
from models.head import train_head

CATEGORIES = [
    Category("finance", "invoice bill payment receipt amount due", ItemKind.MAIL),
    Category("meeting", "meeting agenda room schedule calendar invitation", ItemKind.MAIL),
    Category("invoice", "invoice document with amounts", ItemKind.DOCUMENT),
]


def _vector(embedder: FakeEmbedder, text: str) -> np.ndarray:
    return embedder.embed([text])[0]


def test_zero_shot_picks_the_described_category() -> None:
    embedder = FakeEmbedder()
    triage = Triage(embedder, threshold=0.3)
    prediction = triage.predict(
        _vector(embedder, "invoice payment amount due receipt"),
        kind=ItemKind.MAIL,
        categories=CATEGORIES,
        examples=[],
        text="invoice payment amount due receipt",
    )
    assert prediction.label == "finance"
    assert set(prediction.scores) == {"finance", "meeting"}  # only mail categories compete
    assert abs(sum(prediction.scores.values()) - 1) < 1e-5
    assert any("invoice" in clue for clue in prediction.clues)


def test_abstains_below_threshold() -> None:
    embedder = FakeEmbedder()
    triage = Triage(embedder, threshold=0.99)
    prediction = triage.predict(
        _vector(embedder, "hello there"), kind=ItemKind.MAIL, categories=CATEGORIES, examples=[]
    )
    assert prediction.label is None and prediction.unsure
    assert prediction.clues[0].startswith("unsure")


def test_memory_overrides_zero_shot() -> None:
    embedder = FakeEmbedder()
    triage = Triage(embedder, threshold=0.3)
    text = "quarterly team offsite in the mountains"
    example = Example(1, "meeting", _vector(embedder, text + " planning"), "Offsite")
    prediction = triage.predict(
        _vector(embedder, text), kind=ItemKind.MAIL, categories=CATEGORIES, examples=[example]
    )
    assert prediction.label == "meeting"
    assert "Offsite" in prediction.clues[0]


def test_head_contributes_and_is_versioned() -> None:
    embedder = FakeEmbedder()
    triage = Triage(embedder, threshold=0.0)
    texts = ["invoice due", "bill payment", "agenda room", "meeting schedule"]
    labels = ["finance", "finance", "meeting", "meeting"]
    triage.head = train_head(embedder.embed(texts), labels)
    triage.head_version = "head-v1"
    assert triage.version.endswith("+head-v1")
    prediction = triage.predict(
        _vector(embedder, "invoice due"), kind=ItemKind.MAIL, categories=CATEGORIES, examples=[]
    )
    assert prediction.label == "finance"
