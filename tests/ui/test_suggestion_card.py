"""Suggestion cards: the confidence level and the buttons' signals."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from ui.suggestion_card import SuggestionCard
from ui.suggestion_card import confidence_to_level
from ui.suggestion_card import kind_text


@pytest.mark.parametrize(
    ("confidence", "level"),
    [
        (1.0, "high"),
        (0.8, "high"),
        (0.7999, "medium"),
        (0.5, "medium"),
        (0.4999, "low"),
        (0.0, "low"),
        (-0.1, "low"),
        (1.5, "high"),
        (float("nan"), "low"),
    ],
)
def test_confidence_to_level(confidence: float, level: str) -> None:
    assert confidence_to_level(confidence) == level


def make_suggestion(confidence: float = 0.9) -> Suggestion:
    return Suggestion(
        id=7,
        item_id=3,
        kind=SuggestionKind.FILE_INTO,
        reason="A <b>contract</b> document: file it under Documents/Contracts",
        confidence=confidence,
        model_version="test@1",
        state=SuggestionState.OPEN,
        payload={"folder": "Documents/Contracts"},
    )


def test_kind_text_names_the_folder() -> None:
    assert kind_text(make_suggestion()) == "File into Documents/Contracts"


@pytest.mark.gui
def test_card_shows_reason_as_plain_text_and_level(qtbot: QtBot) -> None:
    card = SuggestionCard(
        make_suggestion(0.55), ["contract", "letter"], "contract", clues=("like: a lease",)
    )
    qtbot.addWidget(card)
    assert card.clues_label.text() == "like: a lease"
    assert not card.clues_label.isHidden()
    assert card.level == "medium"
    assert "medium" in card.level_label.text()
    assert card.reason_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>contract</b>" in card.reason_label.text()


@pytest.mark.gui
def test_card_buttons_emit_and_disable(qtbot: QtBot) -> None:
    card = SuggestionCard(make_suggestion(), ["contract", "letter"], "contract")
    qtbot.addWidget(card)
    with qtbot.waitSignal(card.rejected, timeout=1000) as blocker:
        qtbot.mouseClick(card.reject_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [7]
    assert not card.accept_button.isEnabled()
    assert not card.correct_button.isEnabled()


@pytest.mark.gui
def test_correct_dialog_cancel_emits_nothing(qtbot: QtBot) -> None:
    card = SuggestionCard(make_suggestion(), ["contract", "letter"], "contract")
    qtbot.addWidget(card)
    qtbot.mouseClick(card.correct_button, Qt.MouseButton.LeftButton)
    assert card.dialog is not None
    assert card.dialog.combo.currentText() == "contract"
    with qtbot.assertNotEmitted(card.corrected):
        card.dialog.reject()
    assert card.accept_button.isEnabled()


@pytest.mark.gui
def test_correct_dialog_accepts_a_new_name(qtbot: QtBot) -> None:
    card = SuggestionCard(make_suggestion(), ["contract", "letter"], "contract")
    qtbot.addWidget(card)
    qtbot.mouseClick(card.correct_button, Qt.MouseButton.LeftButton)
    assert card.dialog is not None
    card.dialog.combo.setCurrentText("  lease  ")
    with qtbot.waitSignal(card.corrected, timeout=1000) as blocker:
        card.dialog.accept()
    assert blocker.args == [7, "lease"]


@pytest.mark.gui
@pytest.mark.parametrize("edit", [False, True])
def test_reply_card_previews_then_sends_only_an_edited_text(qtbot: QtBot, *, edit: bool) -> None:
    """GIVEN a reply-draft card WHEN Accept is clicked THEN it asks for the draft (no verdict);
    once streamed, Accept sends None for the draft as written, or the user's edited text."""
    suggestion = replace(make_suggestion(), kind=SuggestionKind.REPLY_DRAFT, payload={})
    card = SuggestionCard(suggestion, [], "")
    qtbot.addWidget(card)
    assert card.draft_box is not None
    with qtbot.waitSignal(card.draft_requested, timeout=1000) as asked:
        qtbot.mouseClick(card.accept_button, Qt.MouseButton.LeftButton)
    assert asked.args == [7]
    assert not card.accept_button.isEnabled()  # no Accept while it streams
    card.append_draft("Hi Dana, ")
    card.append_draft("yes.")
    assert card.draft_box.toPlainText() == "Hi Dana, yes."
    assert card.draft_box.isReadOnly()
    card.finish_draft("Hi Dana,\n\nYes.")
    assert card.accept_button.isEnabled()
    assert not card.draft_box.isReadOnly()
    if edit:
        card.draft_box.setPlainText("Hi Dana,\n\nYes, by Thursday.")
    with qtbot.waitSignal(card.accepted, timeout=1000) as accepted:
        qtbot.mouseClick(card.accept_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [7, "Hi Dana,\n\nYes, by Thursday." if edit else None]
