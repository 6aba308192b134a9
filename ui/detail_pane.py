"""The right-hand pane: one item's verdicts, summary, suggestions and text.

Everything shown comes from an ``Item`` and its ``Suggestion`` list sent by
the engine thread. Text from files and mail is untrusted, so it is shown as
plain text, never as rich text. User verdicts leave as signals.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
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
from assistant.types import SuggestionKind
from ui.i18n import colon
from ui.i18n import engine_text
from ui.i18n import engine_texts
from ui.i18n import is_language_change
from ui.i18n import join_list
from ui.i18n import tr
from ui.icons import icon
from ui.item_model import error_text
from ui.item_model import item_date
from ui.suggestion_card import CorrectionDialog
from ui.suggestion_card import SuggestionCard
from ui.summary_view import SummaryView

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 20


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
            f"{d.text} ({d.when[:16].replace('T', ' ')})"
            + (f" — {tr('deadline')}" if d.deadline else "")
            for d in fields.dates[:4]
        )
        lines.append(f"{tr('Dates')}{colon()}{dates}")
    if fields.amounts:
        lines.append(
            f"{tr('Amounts')}{colon()}"
            + ", ".join(f"{a.value:,.2f} {a.currency}" for a in fields.amounts[:4])
        )
    if fields.people:
        lines.append(f"{tr('People')}{colon()}" + ", ".join(fields.people[:5]))
    if fields.organisations:
        lines.append(f"{tr('Organisations')}{colon()}" + ", ".join(fields.organisations[:4]))
    return "\n".join(lines)


def _bullets(lines: tuple[str, ...] | list[str], mark: str = "•") -> str:
    return "\n".join(f"{mark} {line}" for line in lines)


class DetailPane(QWidget):
    """Shows one item.

    Signals:
        suggestion_accepted(int, object): a card's Accept, with the suggestion id
            and the user's text (an edited reply draft) or None.
        draft_requested(int): a reply-draft card wants its draft previewed.
        suggestion_rejected(int, str): a card's Reject ("") or Correct… (a category).
        category_chosen(int, str): "Set category…" with the item id and a category.
        junk_marked(int, bool): "Junk" (True) or "Not junk" (False) for an item id.
        retry_requested(int): "Retry" for an item in the error state.
        summarize_requested(int): a (new) summary is wanted for an item id.
        item_requested(int): an attachment was clicked; show that item.
    """

    suggestion_accepted = Signal(int, object)
    draft_requested = Signal(int)
    suggestion_rejected = Signal(int, str)
    category_chosen = Signal(int, str)
    junk_marked = Signal(int, bool)
    retry_requested = Signal(int)
    summarize_requested = Signal(int)
    item_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        self.cards: list[SuggestionCard] = []
        self.dialog: CorrectionDialog | None = None
        self._categories: list[Category] = []
        self.auto_summarize = True  # write a missing summary when an item is shown
        self.quoted = ""
        self.show_quoted = False
        self._attachments: list[Item] = []

        info = QWidget(self)
        self.title_label = _plain_label(info, bold=True, size=self.font().pointSizeF() * 1.3)
        self.meta_label = _plain_label(info)
        self.meta_label.setEnabled(False)  # the palette's dim text, light or dark
        self.error_label = _plain_label(info)
        self.error_label.setStyleSheet("color: #d93025;")
        self.retry_button = QPushButton(info)
        self.retry_button.clicked.connect(self._on_retry)
        self.category_label = _plain_label(info)
        self.why_label = _plain_label(info)
        self.junk_label = _plain_label(info)
        self.summary = SummaryView(info)
        self.summary.summarize_requested.connect(self.summarize_requested)
        self.fields_title = QLabel(info)
        self.fields_label = _plain_label(info)
        self.attachments_title = QLabel(info)
        self.attachments_list = QListWidget(info)
        self.attachments_list.setMaximumHeight(90)
        self.attachments_list.itemActivated.connect(self._on_attachment)
        self.attachments_list.itemClicked.connect(self._on_attachment)
        self.suggestions_title = QLabel(info)
        self.no_suggestions = QLabel(info)
        self._loading = True  # "Loading suggestions…" until they come

        self.set_category_button = QPushButton(info)
        self.junk_button = QPushButton(info)
        self.not_junk_button = QPushButton(info)
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
        layout.addWidget(self.summary)
        layout.addWidget(self.fields_title)
        layout.addWidget(self.fields_label)
        layout.addWidget(self.attachments_title)
        layout.addWidget(self.attachments_list)
        layout.addStretch(1)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(info)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setReadOnly(True)
        self.quoted_button = QPushButton(self)
        self.quoted_button.setCheckable(True)
        self.quoted_button.setFlat(True)
        self.quoted_button.toggled.connect(self._on_quoted_toggled)
        text_box = QWidget(self)
        text_layout = QVBoxLayout(text_box)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.setSpacing(0)
        text_layout.addWidget(self.text_edit, 1)
        text_layout.addWidget(self.quoted_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(text_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.placeholder)
        outer.addWidget(self.splitter)
        self.retranslate()
        self.show_item(None)

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply every text in the UI language, the shown item's included."""
        self.retry_button.setText(tr("Retry"))
        self.retry_button.setToolTip(tr("Read this file or message again"))
        self.fields_title.setText(f"<b>{tr('Extracted')}</b>")
        self.attachments_title.setText(f"<b>{tr('Attachments')}</b>")
        self.suggestions_title.setText(f"<b>{tr('Suggestions')}</b>")
        self.no_suggestions.setText(
            tr("Loading suggestions…") if self._loading else tr("No open suggestions.")
        )
        self.set_category_button.setText(tr("Set category…"))
        self.junk_button.setText(tr("Junk"))
        self.not_junk_button.setText(tr("Not junk"))
        self.text_edit.setPlaceholderText(tr("The item's text"))
        self.placeholder.setText(tr("Select an item to see its summary and suggestions."))
        if self.item is not None:
            self._fill(self.item)
        self._set_quoted_label()

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
            self._loading = True
            self.no_suggestions.setText(tr("Loading suggestions…"))
            self.set_extras(item.id if item else -1, "", [])
        if item is None:
            return
        self._fill(item)
        if (
            changed
            and self.auto_summarize
            and item.summary is None
            and item.state == ItemState.READY
        ):
            # No summary yet (still queued, or ingested without): write it now.
            self.summary.begin_stream(item.id)
            self.summarize_requested.emit(item.id)

    def set_extras(self, item_id: int, quoted: str, attachments: list[Item]) -> None:
        """The shown item's quoted reply text and its attachment items."""
        if self.item is not None and self.item.id != item_id:
            return
        self.quoted = quoted
        self._attachments = list(attachments)
        self.quoted_button.setVisible(bool(quoted))
        self._set_quoted_label()
        self._fill_text()
        self.attachments_list.clear()
        for child in attachments:
            entry = QListWidgetItem(icon("file"), child.title or child.source_path)
            entry.setData(ITEM_ID_ROLE, child.id)
            entry.setToolTip(child.summary_text or child.source_path)
            self.attachments_list.addItem(entry)
        self.attachments_title.setVisible(bool(attachments))
        self.attachments_list.setVisible(bool(attachments))

    def _set_quoted_label(self) -> None:
        n = self.quoted.count("\n") + 1 if self.quoted else 0
        label = tr("Hide quoted text") if self.show_quoted else tr("Show quoted text")
        self.quoted_button.setText(f"{label} ({n})" if n else label)

    def _fill_text(self) -> None:
        if self.item is None:
            return
        text = self.item.text
        if self.show_quoted and self.quoted:
            text += "\n\n" + self.quoted
        if self.text_edit.toPlainText() != text:
            self.text_edit.setPlainText(text)

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
            clues = (
                self.item.junk_clues
                if suggestion.kind == SuggestionKind.MARK_JUNK
                else self.item.category_clues
            )
            card = SuggestionCard(suggestion, names, current, self, clues=tuple(clues[:3]))
            card.accepted.connect(self.suggestion_accepted)
            card.draft_requested.connect(self.draft_requested)
            card.rejected.connect(self._on_card_rejected)
            card.corrected.connect(self.suggestion_rejected)
            self.cards_layout.addWidget(card)
            self.cards.append(card)
        self._loading = False
        self.no_suggestions.setText(tr("No open suggestions."))
        self.no_suggestions.setVisible(not self.cards and self.item.state != ItemState.ERROR)

    # -- rendering ------------------------------------------------------------

    def _fill(self, item: Item) -> None:
        error = item.state == ItemState.ERROR
        self.title_label.setText(item.title or tr("(untitled)"))
        meta = [item.metadata.get("from", ""), item_date(item)[:16].replace("T", " ")]
        meta.append(item.source_path)
        self.meta_label.setText(" · ".join(part for part in meta if part))
        self.error_label.setVisible(error)
        self.retry_button.setVisible(error)
        self.error_label.setText(f"⚠ {error_text(item)}")
        if item.state == ItemState.PENDING:
            category = tr("not classified yet")
        else:
            category = engine_text(category_text(item))
            if item.category and not item.user_category:
                category = tr("{category} ({p} sure)").format(
                    category=item.category, p=f"{item.confidence:.0%}"
                )
        self.category_label.setText(f"{tr('Category')}{colon()}{category}")
        clues = engine_texts(item.category_clues[:3])
        self.why_label.setText(_bullets(clues) if clues else "")
        self.why_label.setVisible(bool(item.category_clues) and not error)
        for widget in (self.category_label, self.set_category_button, self.suggestions_title):
            widget.setVisible(not error)
        self.no_suggestions.setVisible(not error and not self.cards)
        is_mail = item.kind == ItemKind.MAIL and not error
        junk = engine_text(junk_text(item))
        if item.junk_clues and is_mail:
            junk += " — " + join_list(engine_texts(item.junk_clues[:3]))
        self.junk_label.setText(f"{tr('Junk filter')}{colon()}{junk}")
        for widget in (self.junk_label, self.junk_button, self.not_junk_button):
            widget.setVisible(is_mail)
        self._fill_summary(item)
        self._fill_text()

    def _fill_summary(self, item: Item) -> None:
        found = fields_text(item.fields) if item.fields else ""
        self.fields_label.setVisible(bool(found))
        self.fields_title.setVisible(bool(found))
        self.fields_label.setText(found)
        self.summary.setVisible(item.state != ItemState.ERROR)
        self.summary.show_item(item)

    def card_of(self, suggestion_id: int) -> SuggestionCard | None:
        """The shown card of a suggestion."""
        return next((c for c in self.cards if c.suggestion.id == suggestion_id), None)

    @Slot(int, str)
    def append_draft(self, suggestion_id: int, text: str) -> None:
        """A streamed piece of a reply draft, for its card if still shown."""
        if (card := self.card_of(suggestion_id)) is not None:
            card.append_draft(text)

    @Slot(int, str)
    def finish_draft(self, suggestion_id: int, text: str) -> None:
        """A finished reply draft, for its card if still shown."""
        if (card := self.card_of(suggestion_id)) is not None:
            card.finish_draft(text)

    def _clear_cards(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []

    # -- user verdicts ------------------------------------------------------------

    @Slot(bool)
    def _on_quoted_toggled(self, checked: bool) -> None:  # noqa: FBT001 - a slot
        self.show_quoted = checked
        if self.item is not None:
            self.set_extras(self.item.id, self.quoted, self._attachment_items())

    def _attachment_items(self) -> list[Item]:
        return list(self._attachments)

    @Slot(QListWidgetItem)
    def _on_attachment(self, entry: QListWidgetItem) -> None:
        item_id = entry.data(ITEM_ID_ROLE)
        if isinstance(item_id, int):
            self.item_requested.emit(item_id)

    @Slot(int)
    def _on_card_rejected(self, suggestion_id: int) -> None:
        self.suggestion_rejected.emit(suggestion_id, "")

    @Slot()
    def _on_set_category(self) -> None:
        if self.item is None:
            return
        names = self.category_names(self.item.kind)
        self.dialog = CorrectionDialog(names, self.item.category or "", self)
        self.dialog.set_title("Set the category")
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
    def _on_retry(self) -> None:
        if self.item is not None:
            self.retry_requested.emit(self.item.id)

    @Slot()
    def _on_junk(self) -> None:
        self._mark_junk(junk=True)

    @Slot()
    def _on_not_junk(self) -> None:
        self._mark_junk(junk=False)

    def _mark_junk(self, *, junk: bool) -> None:
        if self.item is not None:
            self.junk_marked.emit(self.item.id, junk)
