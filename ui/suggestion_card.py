"""One card per open suggestion: what, why, how sure, and the user's verdict.

The card only emits signals; the detail pane passes them up to the main
window, which hands them to the engine thread. The confidence level comes from
a pure function, as Picard's ``similarity_to_level`` does. A reply-draft
card previews first: its first Accept asks for the draft, which streams into
an editable box, and the second sends the user's version if they changed it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant.types import Suggestion
from assistant.types import SuggestionKind
from ui.i18n import engine_texts
from ui.i18n import is_language_change
from ui.i18n import join_list
from ui.i18n import kind_name
from ui.i18n import tr

HIGH = 0.8
MEDIUM = 0.5

LEVEL_COLOURS = {"high": "#1e7d32", "medium": "#b26a00", "low": "#9e9e9e"}


def confidence_to_level(confidence: float) -> str:
    """``high`` (≥ 0.8), ``medium`` (≥ 0.5) or ``low``.

    Args:
        confidence: a probability in [0, 1]; values outside act as the nearest
            bound, and NaN is ``low``.

    Returns:
        The level name, also a key of ``LEVEL_COLOURS``.
    """
    if confidence >= HIGH:
        return "high"
    if confidence >= MEDIUM:
        return "medium"
    return "low"


def kind_text(suggestion: Suggestion) -> str:
    """The suggestion's kind for people, with its folder when it has one."""
    text = kind_name(str(suggestion.kind))
    folder = suggestion.payload.get("folder")
    return f"{text} {folder}" if folder else text


class CorrectionDialog(QDialog):
    """Asks for the right category: one of the list, or a new name typed in.

    Args:
        categories: the category names for the item's kind.
        current: the name to preselect.
        parent: the owning widget.
    """

    def __init__(self, categories: list[str], current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.addItems(categories)
        if current in categories:
            self.combo.setCurrentText(current)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.title = "Correct the category"
        self.prompt = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.combo)
        layout.addWidget(self.buttons)
        self.retranslate()

    def set_title(self, title: str) -> None:
        """The window title (English; shown in the UI language)."""
        self.title = title
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the texts in the UI language."""
        self.setWindowTitle(tr(self.title))
        self.prompt.setText(tr("The right category for this item:"))

    def category(self) -> str:
        """The chosen or typed category, stripped."""
        return self.combo.currentText().strip()


class SuggestionCard(QFrame):
    """A suggestion with Accept, Reject and Correct… buttons.

    Args:
        suggestion: the open suggestion shown.
        categories: category names offered by Correct… (the item's kind).
        current_category: the item's category now, preselected in the dialog.
        parent: the owning widget.
        clues: what the model saw (the junk filter's words for a junk suggestion,
            the classifier's for the others).

    Signals:
        accepted(int, object): Accept clicked, with the suggestion id and the
            user's text (an edited reply draft; None otherwise).
        draft_requested(int): a reply-draft card's first Accept: preview the draft.
        rejected(int): Reject clicked.
        corrected(int, str): Correct… confirmed with a category.

    Attributes:
        draft_box: a reply draft's editable preview (reply-draft cards only).
        draft: the draft as written, once it finished streaming.
    """

    accepted = Signal(int, object)
    draft_requested = Signal(int)
    rejected = Signal(int)
    corrected = Signal(int, str)

    def __init__(
        self,
        suggestion: Suggestion,
        categories: list[str],
        current_category: str = "",
        parent: QWidget | None = None,
        *,
        clues: tuple[str, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.suggestion = suggestion
        self.level = confidence_to_level(suggestion.confidence)
        self._categories = categories
        self._current_category = current_category
        self._clues = clues
        self.dialog: CorrectionDialog | None = None
        self.setObjectName("suggestionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        colour = LEVEL_COLOURS[self.level]
        self.setStyleSheet(
            f"#suggestionCard {{ border: 1px solid #c8c8c8; border-left: 4px solid {colour};"
            " border-radius: 4px; }"
        )

        self.title_label = QLabel(self)
        self.level_label = QLabel(self)
        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clues_label = QLabel(self)
        self.clues_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clues_label.setWordWrap(True)
        self.clues_label.setEnabled(False)  # dim: supporting detail
        self.clues_label.setVisible(bool(clues))

        self.accept_button = QPushButton(self)
        self.reject_button = QPushButton(self)
        self.correct_button = QPushButton(self)
        self.correct_button.setEnabled(bool(categories))
        self.accept_button.clicked.connect(self._on_accept)
        self.reject_button.clicked.connect(self._on_reject)
        self.correct_button.clicked.connect(self._on_correct)

        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.level_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.accept_button, self.reject_button, self.correct_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.addLayout(header)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.clues_label)
        self.draft: str | None = None
        self.draft_box: QPlainTextEdit | None = None
        if suggestion.kind == SuggestionKind.REPLY_DRAFT:
            self.draft_box = QPlainTextEdit(self)
            self.draft_box.setMinimumHeight(120)
            self.draft_box.hide()
            layout.addWidget(self.draft_box)
        layout.addLayout(buttons)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply every text in the UI language (the reason and clues too)."""
        suggestion = self.suggestion
        colour = LEVEL_COLOURS[self.level]
        self.title_label.setText(f"<b>{_escape(kind_text(suggestion))}</b>")
        self.level_label.setText(
            f'<span style="color:{colour}">● {tr(self.level)} ({suggestion.confidence:.0%})</span>'
        )
        self.level_label.setToolTip(tr("model {version}").format(version=suggestion.model_version))
        self.reason_label.setText(engine_texts([suggestion.reason])[0])
        self.clues_label.setText(join_list(engine_texts(self._clues)))
        self.clues_label.setToolTip(tr("Why"))
        self.reject_button.setText(tr("Reject"))
        self.correct_button.setText(tr("Correct…"))
        self.correct_button.setToolTip(tr("Reject, and give the right category"))
        previewing = self.draft_box is not None and self.draft is None
        self.accept_button.setText(tr("Preview draft") if previewing else tr("Accept"))
        if self.draft_box is not None:
            self.draft_box.setPlaceholderText(tr("Writing the draft…"))
            if self.draft is not None:
                self.accept_button.setToolTip(tr("Use this draft (your edits included)"))

    def set_pending(self) -> None:
        """Disable the buttons once a verdict is on its way (no double clicks)."""
        for button in (self.accept_button, self.reject_button, self.correct_button):
            button.setEnabled(False)

    @Slot()
    def _on_accept(self) -> None:
        box = self.draft_box
        if box is not None and self.draft is None:
            # First Accept on a reply: show the draft to read and edit, send nothing yet.
            self.set_pending()
            box.clear()
            box.setReadOnly(True)  # until it has finished streaming
            box.show()
            self.draft_requested.emit(self.suggestion.id)
            return
        self.set_pending()
        edited = None
        if box is not None and box.toPlainText() != self.draft:
            edited = box.toPlainText()
        self.accepted.emit(self.suggestion.id, edited)

    def append_draft(self, text: str) -> None:
        """The next streamed piece of the reply draft."""
        if self.draft_box is not None and self.draft is None:
            self._show_box()  # also on a card rebuilt while the draft streamed
            self.draft_box.moveCursor(QTextCursor.MoveOperation.End)
            self.draft_box.insertPlainText(text)

    def _show_box(self) -> None:
        if self.draft_box is not None and self.draft_box.isHidden():
            self.set_pending()
            self.draft_box.setReadOnly(True)
            self.draft_box.show()

    def finish_draft(self, text: str) -> None:
        """The finished draft replaces the stream; the user may edit it, then Accept."""
        if self.draft_box is None:
            return
        self._show_box()
        self.draft = text
        self.draft_box.setPlainText(text)
        self.draft_box.setReadOnly(False)
        self.accept_button.setText(tr("Accept"))
        self.accept_button.setToolTip(tr("Use this draft (your edits included)"))
        for button in (self.accept_button, self.reject_button, self.correct_button):
            button.setEnabled(button is not self.correct_button or bool(self._categories))

    @Slot()
    def _on_reject(self) -> None:
        self.set_pending()
        self.rejected.emit(self.suggestion.id)

    @Slot()
    def _on_correct(self) -> None:
        # open(), not exec(): window-modal without a nested event loop.
        self.dialog = CorrectionDialog(self._categories, self._current_category, self)
        self.dialog.accepted.connect(self._on_correction_chosen)
        self.dialog.open()

    @Slot()
    def _on_correction_chosen(self) -> None:
        if self.dialog is None:
            return
        category = self.dialog.category()
        self.dialog.deleteLater()
        self.dialog = None
        if category:
            self.set_pending()
            self.corrected.emit(self.suggestion.id, category)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
