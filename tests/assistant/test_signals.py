"""Structural triage signals: bulk, robots, questions, deals, amounts."""

from __future__ import annotations

import numpy as np

from assistant.fields import Fields
from assistant.fields import extract_fields
from assistant.signals import mail_signals
from assistant.triage import Triage
from assistant.types import Category
from assistant.types import ItemKind
from models.fake import FakeEmbedder


def _clues(title: str, text: str, metadata: dict[str, str]) -> list[str]:
    fields = extract_fields(title, text, metadata, language="zh" if text[:1] >= "\u4e00" else "en")
    return [s.clue for s in mail_signals(title, text, metadata, fields)]


def test_list_mail_is_bulk_and_never_asks_a_question() -> None:
    clues = _clues(
        "Weekly digest",
        "Can you believe it? Read more.",
        {"list_unsubscribe": "<mailto:u@example.com>"},
    )
    assert "sent to a list (unsubscribe link)" in clues
    assert "asks you a question" not in clues


def test_robot_sender() -> None:
    clues = _clues("Build passed", "All green.", {"from": "CI <noreply@ci.example.com>"})
    assert clues == ["sent by a robot (no-reply address)"]


def test_direct_question_deal_and_amount() -> None:
    assert "asks you a question" in _clues(
        "Quote?", "Could you send the quote by Friday?", {"from": "dana@example.com"}
    )
    assert "talks of discounts or deals" in _clues("Sale", "40% off everything", {})
    assert "mentions an amount of money" in _clues("Bill", "Amount due: $86.42", {})
    assert "talks of discounts or deals" in _clues("双十二", "全场满300减50", {})


def test_signals_decide_close_calls_and_show_as_clues() -> None:
    embedder = FakeEmbedder()
    categories = [
        Category("needs-reply", "alpha", ItemKind.MAIL),
        Category("newsletter", "alpha", ItemKind.MAIL),
    ]
    vector = embedder.embed(["alpha"])[0]
    triage = Triage(embedder, threshold=0.0)
    signals = mail_signals(
        "Digest", "alpha", {"list_unsubscribe": "<mailto:x@example.com>"}, Fields()
    )
    prediction = triage.predict(
        vector, kind=ItemKind.MAIL, categories=categories, examples=[], signals=signals
    )
    assert prediction.label == "newsletter"
    assert "sent to a list (unsubscribe link)" in prediction.clues
    assert np.isclose(sum(prediction.scores.values()), 1.0)
