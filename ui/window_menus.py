"""The main window's toolbar and menus (actions only; the window holds the slots).

Each text is kept in English next to its action (``window.menu_texts``) so
``retranslate_menus`` can re-apply it when the UI language changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QWidget

from ui.i18n import tr

if TYPE_CHECKING:
    from ui.main_window import MainWindow

MAIL_FILTER = "Mail files (*.mbox *.eml *.mbx);;All files (*)"


def pick_source(parent: QWidget, kind: str) -> Path | None:
    """Ask for a folder (``folder``, ``maildir``) or a mail file (``mbox``)."""
    if kind == "mbox":
        path, _ = QFileDialog.getOpenFileName(parent, tr("Add mail file…"), "", MAIL_FILTER)
    else:
        title = tr("Add Maildir…") if kind == "maildir" else tr("Add folder…")
        path = QFileDialog.getExistingDirectory(parent, title)
    return Path(path) if path else None


def add_source(window: MainWindow, kind: str) -> None:
    """Pick a source and ingest it in the background."""
    path = pick_source(window, kind)
    if path is not None:
        window.show_message(lambda: tr("Reading {path}…").format(path=path))
        window.engine.add_source(path, summarize=window.summarize)


def retranslate_menus(window: MainWindow) -> None:
    """Re-apply the texts and tooltips of the toolbar and menus in the UI language."""
    window.main_toolbar.setWindowTitle(tr("Main toolbar"))
    for target, text, tooltip in window.menu_texts:
        if isinstance(target, QMenu):
            target.setTitle(tr(text))
        else:
            target.setText(tr(text))
        if tooltip:
            target.setToolTip(tr(tooltip))


def build_menus(window: MainWindow) -> None:
    """Create the toolbar and menu bar of ``window`` (actions become its attributes).

    ``window.keys`` (its ``KeyboardActions``) and ``window.search_box`` must exist.
    """
    w = window
    w.menu_texts = []

    def action(
        text: str,
        slot: object,
        *,
        shortcut: QKeySequence | str | None = None,
        tooltip: str | None = None,
    ) -> QAction:
        made = QAction(w)
        made.triggered.connect(slot)
        if shortcut is not None:
            made.setShortcut(QKeySequence(shortcut))
        w.menu_texts.append((made, text, tooltip))
        return made

    w.add_folder_action = action("Add folder…", lambda: add_source(w, "folder"))
    w.add_file_action = action("Add mail file…", lambda: add_source(w, "mbox"))
    w.add_maildir_action = action("Add Maildir…", lambda: add_source(w, "maildir"))
    menu = QMenu(w)
    for made in (w.add_folder_action, w.add_file_action, w.add_maildir_action):
        menu.addAction(made)
    w.add_source_action = action(
        "Add source…",
        lambda: add_source(w, "folder"),
        tooltip="Add a folder, or an mbox / .eml mail file, to read",
    )
    w.add_source_action.setMenu(menu)
    w.train_action = action(
        "Train",
        w.engine.train,
        tooltip="Learn from your feedback (kept only if it measures better)",
    )
    w.refresh_action = action(
        "Refresh", w.engine.load_items, shortcut=QKeySequence.StandardKey.Refresh
    )
    w.settings_action = action("Settings…", w.settings_requested, shortcut="Ctrl+,")
    w.dashboard_action = action("Dashboard", w.dashboard_requested, shortcut="Ctrl+D")
    w.shortcuts_action = action("Shortcuts", w.keys.show_shortcuts)
    w.undo_action = action("Undo", w.keys.undo_last)
    w.digest_action = action(
        "Digest",
        w.keys.show_digest,
        tooltip="Today's low-priority items with one-click actions (D)",
    )
    w.quit_action = action("Quit", w.quit_requested, shortcut=QKeySequence.StandardKey.Quit)

    toolbar = w.addToolBar(tr("Main toolbar"))
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    toolbar.addAction(w.add_source_action)
    button = toolbar.widgetForAction(w.add_source_action)
    if isinstance(button, QToolButton):
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    for made in (w.train_action, w.refresh_action, w.dashboard_action, w.settings_action):
        toolbar.addAction(made)
    spacer = QWidget(w)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    toolbar.addWidget(w.search_box)

    bar = w.menuBar()
    file_menu = bar.addMenu("&Sift")
    w.menu_texts.append((file_menu.addMenu(menu), "Add source…", None))
    file_menu.addAction(w.settings_action)
    file_menu.addSeparator()
    file_menu.addAction(w.quit_action)
    view_menu = bar.addMenu("&View")
    w.menu_texts.append((view_menu, "&View", None))
    for made in (w.dashboard_action, w.digest_action, w.refresh_action, w.shortcuts_action):
        view_menu.addAction(made)
    edit_menu = bar.addMenu("&Edit")
    w.menu_texts.append((edit_menu, "&Edit", None))
    edit_menu.addAction(w.undo_action)
    edit_menu.addAction(w.train_action)
    w.main_toolbar = toolbar
    retranslate_menus(w)
