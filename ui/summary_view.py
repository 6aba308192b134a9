"""The summary block of the detail pane, which can show a summary as it streams in.

The model writes JSON (``{"one_line": "...", "key_points": [...]}``); while it
streams, ``readable_partial`` turns the JSON received so far into plain lines
so the user reads words, not braces. When generation ends the finished
``Summary`` replaces the stream, with its notes (how it was made: parts of
a long text left out, details the cross-check dropped) small and muted below.
"""

from __future__ import annotations

import json
import re

from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant.types import Item
from assistant.types import Summary
from ui.i18n import colon
from ui.i18n import engine_texts
from ui.i18n import is_language_change
from ui.i18n import tr

# A JSON string literal, possibly cut off by the stream (no closing quote yet),
# and whether a colon follows it (then it is a key, not a value).
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)("?)(\s*:)?')
NOTE_SCALE = 0.85  # notes are supporting detail: a size smaller than the summary


def _decode(body: str) -> str:
    body = re.sub(r"\\(u[0-9a-fA-F]{0,3})?$", "", body)  # a cut-off escape
    try:
        return str(json.loads(f'"{body}"'))
    except ValueError:
        return body


def readable_partial(raw: str) -> str:
    """The string values of partial JSON, one per line: the first plain, the rest bulleted."""
    values = [_decode(m.group(1)) for m in _STRING.finditer(raw) if not m.group(3)]
    values = [v for v in values if v.strip()]
    if not values:
        return ""
    return "\n".join([values[0], *(f"• {v}" for v in values[1:])])


def _bullets(lines: tuple[str, ...], mark: str = "•") -> str:
    return "\n".join(f"{mark} {line}" for line in lines)


def _label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _note_label(parent: QWidget) -> QLabel:
    # Smaller, in the palette's muted text colour (which follows dark mode).
    label = _label(parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * NOTE_SCALE)
    label.setFont(font)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class SummaryView(QWidget):
    """An item's summary, key points and to-dos, with a "Summarize again" button.

    Signals:
        summarize_requested(int): the user asked for a (new) summary of an item id.
    """

    summarize_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_id: int | None = None
        self.streaming = False
        self._raw = ""
        self._summary: Summary | None = None
        self.title_label = QLabel(self)
        self.again_button = QPushButton(tr("Summarize"), self)
        self.again_button.clicked.connect(self._on_again)
        self.text_label = _label(self)
        self.points_label = _label(self)
        self.actions_label = _label(self)
        self.notes_label = _note_label(self)
        self.notes_label.setToolTip(tr("How this summary was made"))
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.again_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        for label in (self.text_label, self.points_label, self.actions_label, self.notes_label):
            layout.addWidget(label)

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the texts in the UI language (a stream in progress goes on)."""
        self.notes_label.setToolTip(tr("How this summary was made"))
        if self.streaming:
            self._show_writing()
        else:
            self._show(self._summary)

    def show_item(self, item: Item) -> None:
        """Show ``item``'s summary (a stream in progress for another item stops showing)."""
        if item.id != self.item_id:
            self.streaming = False
        self.item_id = item.id
        if not self.streaming:
            self._show(item.summary)

    def _show(self, summary: Summary | None) -> None:
        self._summary = summary
        self.again_button.setEnabled(True)
        self.again_button.setText(tr("Summarize again") if summary else tr("Summarize"))
        self.title_label.setText(f"<b>{tr('Summary')}</b>")
        self.title_label.setToolTip("")
        self.points_label.setVisible(bool(summary and summary.key_points))
        self.actions_label.setVisible(bool(summary and summary.action_items))
        self.notes_label.setVisible(bool(summary and summary.notes))
        if summary is None:
            self.text_label.setText("—")
            return
        if summary.extractive:
            self.title_label.setText(f"<b>{tr('Summary')}</b> <i>{tr('(extractive)')}</i>")
            self.title_label.setToolTip(
                tr("Built from the item's own sentences: the language model was unavailable")
            )
        else:
            self.title_label.setToolTip(
                tr("Written by {model}").format(model=summary.model_version)
            )
        self.text_label.setText(summary.one_line)
        self.points_label.setText(
            f"{tr('Key points')}{colon().strip()}\n" + _bullets(summary.key_points)
        )
        self.actions_label.setText(
            f"{tr('To do')}{colon().strip()}\n" + _bullets(summary.action_items, "→")
        )
        self.notes_label.setText("\n".join(engine_texts(summary.notes)))

    # -- streaming ---------------------------------------------------------

    def begin_stream(self, item_id: int) -> None:
        """A summary of ``item_id`` is being written: show it as it comes."""
        if item_id != self.item_id:
            return
        self.streaming = True
        self._raw = ""
        self.again_button.setEnabled(False)
        self._show_writing()
        self.text_label.setText("…")
        self.points_label.hide()
        self.actions_label.hide()
        self.notes_label.hide()

    def _show_writing(self) -> None:
        self.title_label.setText(f"<b>{tr('Summary')}</b> <i>{tr('Writing the summary…')}</i>")

    def append(self, item_id: int, text: str) -> None:
        """The next streamed piece of ``item_id``'s summary."""
        if item_id != self.item_id or not self.streaming:
            return
        self._raw += text
        self.text_label.setText(readable_partial(self._raw) or "…")

    def finish(self, item_id: int, summary: Summary) -> None:
        """The finished summary replaces the stream."""
        if item_id != self.item_id:
            return
        self.streaming = False
        self._show(summary)

    @property
    def streamed_text(self) -> str:
        """The raw text streamed so far (for tests and logs)."""
        return self._raw

    @Slot()
    def _on_again(self) -> None:
        if self.item_id is not None:
            self.begin_stream(self.item_id)
            self.summarize_requested.emit(self.item_id)
