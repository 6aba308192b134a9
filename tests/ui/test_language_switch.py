"""Switching the UI language at runtime: every window re-applies its texts, no restart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from assistant.messages import localize
from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from tests.ui.conftest import WAIT_MS
from tests.ui.test_dialogs import open_settings
from tests.ui.test_main_window import click_item
from tests.ui.test_main_window import ingest
from tests.ui.test_main_window import wait_for_cards
from ui.app import Gui
from ui.i18n import ZH
from ui.i18n import language
from ui.i18n import set_language
from ui.item_model import Column
from ui.shortcuts import ShortcutsDialog
from ui.suggestion_card import SuggestionCard
from ui.tray import TrayController

pytestmark = pytest.mark.gui


def menu_titles(gui: Gui) -> list[str]:
    return [action.text() for action in gui.window.menuBar().actions()]


def headers(gui: Gui) -> list[str]:
    model = gui.window.model
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in Column]


def nav_sections(gui: Gui) -> list[str]:
    nav = gui.window.nav
    return [nav.topLevelItem(i).text(0) for i in range(nav.topLevelItemCount())]


def english_left(root: QWidget) -> list[str]:
    """Texts shown under ``root`` that are English strings with a Chinese translation."""
    shown = [w.text() for w in root.findChildren(QLabel) if not w.isHidden()]
    shown += [w.text() for w in root.findChildren(QAbstractButton) if not w.isHidden()]
    shown += [w.toolTip() for w in root.findChildren(QWidget)]
    shown += [a.text() for a in root.actions()]
    shown.append(root.windowTitle())
    return sorted({text for text in shown if text in ZH and ZH[text] != text})


def test_switching_changes_the_main_window_without_restart(
    qtbot: QtBot, gui: Gui, inbox: Path
) -> None:
    """GIVEN the window in English with a suggestion card shown WHEN the language becomes
    Chinese THEN menus, pane titles, column headers, the status line and the card's
    reason are Chinese at once; and English again when switched back."""
    items = ingest(qtbot, gui, [inbox], rows=2)
    question = next(i for i in items if i.kind == "mail")
    click_item(qtbot, gui, question.id)
    card = wait_for_cards(qtbot, gui)[0]
    english_reason = card.suggestion.reason
    window = gui.window
    assert "&View" in menu_titles(gui)
    assert headers(gui)[Column.TITLE] == "Title"
    assert nav_sections(gui)[0] == "Views"
    assert card.reason_label.text() == english_reason
    assert "Train" in english_left(window)  # the check below can fail

    set_language("zh")

    assert "视图(&V)" in menu_titles(gui)
    assert "编辑(&E)" in menu_titles(gui)
    assert window.train_action.text() == "训练"
    assert (
        window.add_source_action.toolTip()
        == ZH["Add a folder, or an mbox / .eml mail file, to read"]
    )
    assert headers(gui)[Column.TITLE] == "标题"
    assert headers(gui)[Column.CATEGORY] == "分类"
    assert nav_sections(gui)[0] == "视图"
    assert window.detail.suggestions_title.text() == "<b>建议</b>"
    assert window.detail.category_label.text().startswith("分类")
    assert card.reject_button.text() == "拒绝"
    assert card.reason_label.text() == localize(english_reason, "zh")
    assert card.reason_label.text() != english_reason
    assert window.search_box.placeholderText() == ZH["Search all items (/)"]
    assert re.search(r"[\u4e00-\u9fff]", window.status_label.text())  # rebuilt, not kept
    assert english_left(window) == []

    set_language("en")

    assert "&View" in menu_titles(gui)
    assert headers(gui)[Column.TITLE] == "Title"
    assert card.reason_label.text() == english_reason
    assert window.train_action.text() == "Train"


def test_saving_the_language_in_settings_switches_at_once(qtbot: QtBot, gui: Gui) -> None:
    """GIVEN the settings dialog WHEN 中文 is chosen and saved THEN the open window and
    the settings dialog itself are Chinese, without a restart."""
    dialog = open_settings(qtbot, gui)
    combo = dialog.language_tab.combo
    combo.setCurrentIndex(combo.findData("zh"))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: language() == "zh", timeout=WAIT_MS)
    assert gui.window.train_action.text() == "训练"
    assert dialog.windowTitle() == "设置"
    assert dialog.tabs.tabText(0) == "来源"
    assert dialog.language_tab.combo.itemText(0) == "自动"
    assert english_left(dialog) == []


def test_dialogs_and_tray_follow_the_switch(qtbot: QtBot, gui: Gui) -> None:
    """The dashboard, shortcuts sheet, digest view and tray menu re-apply their texts."""
    gui.open_dashboard()
    dashboard = gui.dashboard
    sheet = ShortcutsDialog(gui.window)
    tray = TrayController(gui.window, available=False)
    tray.set_counts(3, 2)
    gui.window.open_digest()
    digest = gui.window.digest_dialog
    qtbot.waitUntil(lambda: "digest" in digest.browser.toPlainText(), timeout=WAIT_MS)
    assert dashboard.refresh_button.text() == "Refresh now"

    set_language("zh")

    assert dashboard.windowTitle() == "Sift — 仪表盘"
    assert dashboard.refresh_button.text() == "立即刷新"
    assert dashboard.versions.horizontalHeaderItem(0).text() == "任务"
    assert english_left(dashboard) == []
    assert sheet.windowTitle() == "键盘快捷键"
    assert sheet.table.item(0, 1).text() == "下一个条目"
    assert tray.show_action.text() == "显示 Sift"
    assert tray.icon.toolTip() == "Sift — 3 条未读，2 条建议"
    assert digest.windowTitle() == "Sift — 每日摘要"
    qtbot.waitUntil(lambda: "每日摘要" in digest.browser.toPlainText(), timeout=WAIT_MS)


def test_a_card_made_from_an_old_stored_reason_renders_in_chinese(qtbot: QtBot) -> None:
    """A reason stored before the catalog existed (plain English) shows in Chinese."""
    set_language("zh")
    suggestion = Suggestion(
        id=1,
        item_id=1,
        kind=SuggestionKind.MARK_JUNK,
        reason="Looks like junk (97%): \u2018lottery\u2019 0.98 (junk)",
        confidence=0.97,
        model_version="junk[v1]",
        state=SuggestionState.OPEN,
    )
    card = SuggestionCard(suggestion, [], clues=("\u2018lottery\u2019 0.98 (junk)",))
    qtbot.addWidget(card)
    assert card.reason_label.text() == "看起来像垃圾邮件（97%）：\u2018lottery\u2019 0.98（垃圾）"
    assert card.clues_label.text() == "\u2018lottery\u2019 0.98（垃圾）"
    assert card.title_label.text() == "<b>标为垃圾</b>"
    set_language("en")
    assert card.reason_label.text() == suggestion.reason
    assert card.title_label.text() == "<b>Mark as junk</b>"
