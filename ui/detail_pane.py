"""The right-hand pane: one item's verdicts, summary, suggestions and text.

Everything shown comes from an ``Item`` and its ``Suggestion`` list sent by
the engine thread. Text from files and mail is untrusted, so it is shown as
plain text, never as rich text. User verdicts leave as signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant.fields import Fields
from assistant.report import category_text
from assistant.report import junk_text
from assistant.types import Category
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import ItemState
from assistant.types import Suggestion
from ui.item_model import item_date
from ui.suggestion_card import CorrectionDialog
from ui.suggestion_card import SuggestionCard


def _plain_label(parent: QWidget, *, bold: bool = False, size: float | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    font.setBold(bold)
    if size is not None:
        font.setPointSizeF(size)
    label.setFont(font)
    return label


def fields_text(fields: Fields) -> str:
    """Extracted dates, amounts, people and organisations as a few plain lines."""
    lines = []
    if fields.dates:
        dates = ", ".join(
            f"{d.text} ({d.when[:16].replace('T', ' ')}){' — deadline' if d.deadline else ''}"
            for d in fields.dates[:4]
        )
        lines.append(f"Dates: {dates}")
    if fields.amounts:
        lines.append(
            "Amounts: " + ", ".join(f"{a.value:,.2f} {a.currency}" for a in fields.amounts[:4])
        )
    if fields.people:
        lines.append("People: " + ", ".join(fields.people[:5]))
    if fields.organisations:
        lines.append("Organisations: " + ", ".join(fields.organisations[:4]))
    return "\n".join(lines)


def _bullets(lines: tuple[str, ...] | list[str], mark: str = "•") -> str:
    return "\n".join(f"{mark} {line}" for line in lines)


class DetailPane(QWidget):
    """Shows one item.

    Signals:
        suggestion_accepted(int): a card's Accept, with the suggestion id.
        suggestion_rejected(int, str): a card's Reject ("") or Correct… (a category).
        category_chosen(int, str): "Set category…" with the item id and a category.
        junk_marked(int, bool): "Junk" (True) or "Not junk" (False) for an item id.
    """

    suggestion_accepted = Signal(int)
    suggestion_rejected = Signal(int, str)
    category_chosen = Signal(int, str)
    junk_marked = Signal(int, bool)
    retry_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        self.cards: list[SuggestionCard] = []
        self.dialog: CorrectionDialog | None = None
        self._categories: list[Category] = []

        info = QWidget(self)
        self.title_label = _plain_label(info, bold=True, size=self.font().pointSizeF() * 1.3)
        self.meta_label = _plain_label(info)
        self.meta_label.setStyleSheet("color: #5f6368;")
        self.error_label = _plain_label(info)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.retry_button = QPushButton("Retry", info)
        self.retry_button.setToolTip("Read this file or message again")
        self.retry_button.clicked.connect(self._on_retry)
        self.category_label = _plain_label(info)
        self.why_label = _plain_label(info)
        self.junk_label = _plain_label(info)
        self.summary_title = QLabel("<b>Summary</b>", info)
        self.summary_label = _plain_label(info)
        self.points_label = _plain_label(info)
        self.actions_label = _plain_label(info)
        self.fields_label = _plain_label(info)
        self.suggestions_title = QLabel("<b>Suggestions</b>", info)
        self.no_suggestions = QLabel("No open suggestions.", info)

        self.set_category_button = QPushButton("Set category…", info)
        self.junk_button = QPushButton("Junk", info)
        self.not_junk_button = QPushButton("Not junk", info)
        self.set_category_button.clicked.connect(self._on_set_category)
        self.junk_button.clicked.connect(self._on_junk)
        self.not_junk_button.clicked.connect(self._on_not_junk)

        category_row = QHBoxLayout()
        category_row.addWidget(self.category_label, 1)
        category_row.addWidget(self.set_category_button)
        junk_row = QHBoxLayout()
        junk_row.addWidget(self.junk_label, 1)
        junk_row.addWidget(self.junk_button)
        junk_row.addWidget(self.not_junk_button)

        self.cards_layout = QVBoxLayout()
        self.cards_layout.setSpacing(6)
        layout = QVBoxLayout(info)
        for widget in (self.title_label, self.meta_label, self.error_label):
            layout.addWidget(widget)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(category_row)
        layout.addWidget(self.why_label)
        layout.addLayout(junk_row)
        # Suggestions before the summary: they are what the user acts on, and
        # they stay in view without scrolling at the minimum window size.
        layout.addWidget(self.suggestions_title)
        layout.addWidget(self.no_suggestions)
        layout.addLayout(self.cards_layout)
        for widget in (self.summary_title, self.summary_label, self.points_label):
            layout.addWidget(widget)
        layout.addWidget(self.actions_label)
        layout.addWidget(self.fields_label)
        layout.addStretch(1)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(info)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setReadOnly(True)
        self.text_edit.setPlaceholderText("The item's text")
        self.placeholder = QLabel("Select an item to see its summary and suggestions.", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(self.text_edit)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.placeholder)
        outer.addWidget(self.splitter)
        self.show_item(None)

    # -- content from the engine -------------------------------------------

    def set_categories(self, categories: list[Category]) -> None:
        """Keep the categories offered by Correct… and Set category…."""
        self._categories = list(categories)

    def category_names(self, kind: ItemKind) -> list[str]:
        """Category names for one kind of item."""
        return [c.name for c in self._categories if c.kind == kind]

    def show_item(self, item: Item | None) -> None:
        """Show an item (its suggestions follow through ``set_suggestions``)."""
        changed = item is None or self.item is None or self.item.id != item.id
        self.item = item
        self.placeholder.setVisible(item is None)
        self.splitter.setVisible(item is not None)
        if changed:
            self._clear_cards()
            self.no_suggestions.setText("Loading suggestions…")
        if item is None:
            return
        self._fill(item)

    def update_item(self, item: Item) -> None:
        """Refresh the shown item if ``item`` is it (suggestions stay)."""
        if self.item is not None and self.item.id == item.id:
            self.show_item(item)

    def set_suggestions(self, item_id: int, suggestions: list[Suggestion]) -> None:
        """Replace the cards, if ``item_id`` is still the shown item."""
        if self.item is None or self.item.id != item_id:
            return  # the user moved on while the engine answered
        self._clear_cards()
        names = self.category_names(self.item.kind)
        current = self.item.category or ""
        for suggestion in suggestions:
            card = SuggestionCard(suggestion, names, current, self)
            card.accepted.connect(self.suggestion_accepted)
            card.rejected.connect(self._on_card_rejected)
            card.corrected.connect(self.suggestion_rejected)
            self.cards_layout.addWidget(card)
            self.cards.append(card)
        self.no_suggestions.setText("No open suggestions.")
        self.no_suggestions.setVisible(not self.cards and self.item.state != ItemState.ERROR)

    # -- rendering ------------------------------------------------------------

    def _fill(self, item: Item) -> None:
        error = item.state == ItemState.ERROR
        self.title_label.setText(item.title or "(untitled)")
        meta = [item.metadata.get("from", ""), item_date(item)[:16].replace("T", " ")]
        meta.append(item.source_path)
        self.meta_label.setText(" · ".join(part for part in meta if part))
        self.error_label.setVisible(error)
        self.retry_button.setVisible(error)
        self.error_label.setText(f"⚠ Could not read this item: {item.error or 'unknown reason'}")
        if item.state == ItemState.PENDING:
            category = "not classified yet"
        else:
            category = category_text(item)
            if item.category and not item.user_category:
                category = f"{item.category} ({item.confidence:.0%} sure)"
        self.category_label.setText(f"Category: {category}")
        self.why_label.setText(_bullets(item.category_clues[:3]) if item.category_clues else "")
        self.why_label.setVisible(bool(item.category_clues) and not error)
        for widget in (self.category_label, self.set_category_button, self.suggestions_title):
            widget.setVisible(not error)
        self.no_suggestions.setVisible(not error and not self.cards)
        is_mail = item.kind == ItemKind.MAIL and not error
        junk = junk_text(item)
        if item.junk_clues and is_mail:
            junk += " — " + "; ".join(item.junk_clues[:3])
        self.junk_label.setText(f"Junk filter: {junk}")
        for widget in (self.junk_label, self.junk_button, self.not_junk_button):
            widget.setVisible(is_mail)
        self._fill_summary(item)
        self.text_edit.setPlainText(item.text)

    def _fill_summary(self, item: Item) -> None:
        found = fields_text(item.fields) if item.fields else ""
        self.fields_label.setVisible(bool(found))
        self.fields_label.setText(found)
        summary = item.summary
        for widget in (self.summary_title, self.summary_label):
            widget.setVisible(summary is not None)
        self.points_label.setVisible(bool(summary and summary.key_points))
        self.actions_label.setVisible(bool(summary and summary.action_items))
        if summary is None:
            return
        tag = " <i>(extractive)</i>" if summary.extractive else ""
        self.summary_title.setText(f"<b>Summary</b>{tag}")
        self.summary_title.setToolTip(
            "Built from the item's own sentences: the language model was unavailable"
            if summary.extractive
            else f"Written by {summary.model_version}"
        )
        self.summary_label.setText(summary.one_line)
        self.points_label.setText("Key points:\n" + _bullets(summary.key_points))
        self.actions_label.setText("To do:\n" + _bullets(summary.action_items, "→"))

    def _clear_cards(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []

    # -- user verdicts ------------------------------------------------------------

    @Slot(int)
    def _on_card_rejected(self, suggestion_id: int) -> None:
        self.suggestion_rejected.emit(suggestion_id, "")

    @Slot()
    def _on_set_category(self) -> None:
        if self.item is None:
            return
        names = self.category_names(self.item.kind)
        self.dialog = CorrectionDialog(names, self.item.category or "", self)
        self.dialog.setWindowTitle("Set the category")
        self.dialog.accepted.connect(self._on_category_dialog_accepted)
        self.dialog.open()

    @Slot()
    def _on_category_dialog_accepted(self) -> None:
        if self.dialog is None or self.item is None:
            return
        category = self.dialog.category()
        self.dialog.deleteLater()
        self.dialog = None
        if category:
            self.category_chosen.emit(self.item.id, category)

    @Slot()
    @Slot()
    def _on_retry(self) -> None:
        if self.item is not None:
            self.retry_requested.emit(self.item.id)

    def _on_junk(self) -> None:
        self._mark_junk(junk=True)

    @Slot()
    def _on_not_junk(self) -> None:
        self._mark_junk(junk=False)

    def _mark_junk(self, *, junk: bool) -> None:
        if self.item is not None:
            self.junk_marked.emit(self.item.id, junk)
