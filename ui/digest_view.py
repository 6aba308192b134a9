"""The daily digest in a window, with its ``sift://`` links handled safely.

The page is the one ``sift digest --html`` writes (``assistant.digest``),
rendered on the engine thread. Only two kinds of link do anything:
``sift://open/ITEM_ID`` shows the item in the main window, and
``sift://accept/SUGGESTION_ID`` asks the user to confirm (showing the
suggestion's kind and reason) before the worker accepts it. Any other link
(``https:``, ``file:``, ``mailto:``...) is ignored: mail text is untrusted,
so nothing in the digest is ever opened, fetched or loaded.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QEvent
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QTextBrowser
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant import digest as digest_module
from assistant.engine import Sift
from assistant.types import Suggestion
from ui.client import EngineClient
from ui.i18n import colon
from ui.i18n import engine_text
from ui.i18n import is_language_change
from ui.i18n import kind_name
from ui.i18n import language
from ui.i18n import tr

log = logging.getLogger(__name__)

SCHEME = "sift"


def render_digest(
    sift: Sift, day: str | date | None = None, lang: str = "en"
) -> tuple[digest_module.Digest, str]:
    """The digest and its HTML page in ``lang`` (engine thread: it reads the database)."""
    digest = sift.digest(day)
    return digest, digest_module.render_html(digest, lang)


def parse_link(url: QUrl) -> tuple[str, int] | None:
    """``("open" | "accept", id)`` for a well-formed ``sift:`` link, else None."""
    if url.scheme() != SCHEME or url.host() not in {"open", "accept"}:
        return None
    number = url.path().strip("/")
    return (url.host(), int(number)) if number.isdigit() else None


class SafeBrowser(QTextBrowser):
    """A ``QTextBrowser`` that follows no link and loads no resource by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)  # anchorClicked only; never navigates
        self.setOpenExternalLinks(False)  # never QDesktopServices.openUrl
        # The page brings its own dark-on-light colours: keep it on paper in dark mode too.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, "#ffffff")
        palette.setColor(QPalette.ColorRole.Text, "#222222")
        self.setPalette(palette)

    def loadResource(self, kind: int, name: QUrl) -> object:
        """Load nothing: no images, style sheets or files named by the page."""
        log.debug("digest resource not loaded: %s", name.toString())
        return None


class DigestDialog(QDialog):
    """Today's digest; its links select items and accept suggestions after asking.

    Args:
        engine: the handle on the engine thread.
        parent: the main window.

    Signals:
        item_requested(int): a ``sift://open`` link, with the item id.

    Attributes:
        digest: the digest shown (``None`` until loaded).
        confirm: the open confirmation box, while one asks.
    """

    item_requested = Signal(int)

    def __init__(self, engine: EngineClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.digest: digest_module.Digest | None = None
        self.day: str | None = None  # None: today
        self.confirm: QMessageBox | None = None
        self.browser = SafeBrowser(self)
        self.browser.anchorClicked.connect(self.on_link)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.refresh_button = buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.refresh_button.clicked.connect(lambda: self.refresh(self.day))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(720, 640)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
            if self.digest is not None:
                self.refresh(self.day)  # the page is rendered in the new language
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the title and buttons in the UI language."""
        self.setWindowTitle(f"Sift — {tr('Digest')}")
        self.refresh_button.setText(tr("Refresh now"))

    def refresh(self, day: str | None = None) -> None:
        """Render a day's digest (default: today's) on the engine thread, then show it."""
        self.day = day
        lang = language()
        self.engine.call(lambda sift: render_digest(sift, day, lang), self.show_digest)

    def show_digest(self, result: tuple[digest_module.Digest, str]) -> None:
        """Show a rendered digest."""
        self.digest, page = result
        self.browser.setHtml(page)

    def suggestion(self, suggestion_id: int) -> Suggestion | None:
        """An open suggestion of the shown digest."""
        entries = self.digest.entries if self.digest is not None else ()
        for entry in entries:
            for suggestion in entry.suggestions:
                if suggestion.id == suggestion_id:
                    return suggestion
        return None

    @Slot(QUrl)
    def on_link(self, url: QUrl) -> None:
        """Handle a clicked link: ``sift://open`` and ``sift://accept`` only."""
        link = parse_link(url)
        if link is None:
            log.info("digest link ignored: %s", url.toString())
            return
        verb, number = link
        if verb == "open":
            self.item_requested.emit(number)
            return
        suggestion = self.suggestion(number)
        if suggestion is None:  # decided since the digest was rendered
            self.refresh(self.day)
            return
        self._ask_accept(suggestion)

    def _ask_accept(self, suggestion: Suggestion) -> None:
        kind = kind_name(str(suggestion.kind))
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Accept"),
            f"{tr('Accept')}{colon()}{kind}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(engine_text(suggestion.reason))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        suggestion_id = suggestion.id
        box.finished.connect(lambda answer: self._on_answer(suggestion_id, answer))
        self.confirm = box
        box.open()  # window-modal, no nested event loop

    def _on_answer(self, suggestion_id: int, answer: int) -> None:
        self.confirm = None
        if answer == QMessageBox.StandardButton.Yes:
            # The worker accepts and reports the action (with Undo) in the status line.
            self.engine.accept(suggestion_id)
            self.refresh(self.day)
