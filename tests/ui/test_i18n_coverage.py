"""Every English string the windows show through ``tr`` has a Chinese translation."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from assistant.types import ModelKind
from ui.crash_dialog import CRASH_INTRO
from ui.i18n import KIND_TEXT
from ui.i18n import ZH
from ui.item_model import HEADERS
from ui.item_model import JUNK_BADGE
from ui.item_model import UNSURE_JUNK_BADGE
from ui.nav_pane import VIEWS
from ui.settings_dialog import TAB_TITLES
from ui.shortcuts import SHEET_ONLY
from ui.shortcuts import SHORTCUTS
from ui.status_line import STAGES

UI = Path(__file__).resolve().parents[2] / "ui"
# Calls whose first string argument is shown through ``tr`` (helpers included).
FIRST_ARG = {"tr", "label", "button", "set_title", "action"}


def literal_strings() -> dict[str, str]:
    """English strings given to ``tr`` and its helpers in ``ui/``, with their module."""
    found: dict[str, str] = {}
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            args = node.args
            if name in FIRST_ARG and args and isinstance(args[0], ast.Constant):
                found.setdefault(str(args[0].value), path.name)
            if name == "bind" and len(args) > 1 and isinstance(args[1], ast.Constant):
                found.setdefault(str(args[1].value), path.name)
            for keyword in node.keywords:
                if keyword.arg == "tooltip" and isinstance(keyword.value, ast.Constant):
                    found.setdefault(str(keyword.value.value), path.name)
    return found


def table_strings() -> list[str]:
    """English strings kept in tables and translated where shown."""
    return [
        *KIND_TEXT.values(),
        *(title for _, title, _ in VIEWS),
        *(text for text in HEADERS.values() if text),
        *(entry.text for entry in (*SHORTCUTS, *SHEET_ONLY)),
        *TAB_TITLES,
        *STAGES.values(),
        CRASH_INTRO,
        JUNK_BADGE,
        UNSURE_JUNK_BADGE,
        *(str(kind) for kind in ModelKind),  # the dashboard's training history
    ]


def test_every_shown_string_has_chinese() -> None:
    literals = literal_strings()
    assert len(literals) > 100  # the scan sees the windows' strings
    missing = {text: where for text, where in literals.items() if text and text not in ZH}
    missing |= {text: "table" for text in table_strings() if text not in ZH}
    assert missing == {}


def test_translations_keep_the_format_fields() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    wrong = {key: value for key, value in ZH.items() if fields(key) != fields(value)}
    assert wrong == {}
