"""The excepthook's crash dialog."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from ui.crash_dialog import CrashReporter

pytestmark = pytest.mark.gui


def test_uncaught_exception_shows_a_copyable_report(qtbot: QtBot) -> None:
    reporter = CrashReporter()
    previous = sys.excepthook
    reporter.install()
    try:
        assert sys.excepthook == reporter.excepthook
        try:
            raise ValueError("boom in a slot")
        except ValueError as error:
            reporter.excepthook(ValueError, error, error.__traceback__)
    finally:
        reporter.uninstall()
    assert sys.excepthook is previous
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=1000)
    dialog = reporter.dialogs[0]
    qtbot.addWidget(dialog)
    report = dialog.report_edit.toPlainText()
    assert "ValueError: boom in a slot" in report
    assert "Traceback" in report
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == report
