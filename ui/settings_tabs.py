"""The tabs of the settings dialog, one widget each.

Tabs that show engine data (sources, categories, loaded models) ask the
engine thread through ``EngineClient.call`` and fill themselves when the
answer arrives; tabs of plain preferences take and give ``Settings`` values.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDoubleSpinBox
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant.engine import Sift
from assistant.settings import Settings
from assistant.types import Category
from assistant.types import ItemKind
from ui.client import EngineClient
from ui.i18n import LANGUAGES
from ui.i18n import Texts
from ui.i18n import colon
from ui.i18n import is_language_change
from ui.i18n import tr
from ui.window_menus import pick_source


def rss_bytes() -> int | None:
    """This process's resident memory: psutil if installed, else ``/proc`` (Linux)."""
    try:
        import psutil  # noqa: PLC0415 - optional

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        pass
    try:
        fields = Path("/proc/self/statm").read_text().split()
        return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class Tab(QWidget):
    """A settings tab whose texts (``self.texts``) follow the UI language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = Texts()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the bound texts in the UI language."""
        self.texts.apply()

    def label(self, text: str) -> QLabel:
        """A label showing ``text`` in the UI language."""
        label = QLabel(self)
        self.texts.bind(label.setText, text)
        return label

    def button(self, text: str) -> QPushButton:
        """A button showing ``text`` in the UI language."""
        button = QPushButton(self)
        self.texts.bind(button.setText, text)
        return button


def _table(parent: Tab, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    parent.texts.hook(lambda: table.setHorizontalHeaderLabels([tr(h) for h in headers]))
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _row_data(table: QTableWidget) -> Any:
    rows = table.selectionModel().selectedRows()
    return None if not rows else table.item(rows[0].row(), 0).data(256)


class SourcesTab(Tab):
    """Sources with their state: add (folder, mbox, Maildir), pause or resume, remove."""

    def __init__(self, engine: EngineClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.rows: list[dict[str, Any]] = []
        self.table = _table(self, ["Path", "Kind", "State"])
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_buttons = {}
        buttons = QHBoxLayout()
        for kind, text in (
            ("folder", "Add folder…"),
            ("mbox", "Add mail file…"),
            ("maildir", "Add Maildir…"),
        ):
            button = self.button(text)
            button.clicked.connect(lambda _=False, k=kind: self.add(k))
            buttons.addWidget(button)
            self.add_buttons[kind] = button
        buttons.addStretch(1)
        self.pause_button = self.button("Pause")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.remove_button = self.button("Remove")
        self.remove_button.clicked.connect(self.remove)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.texts.hook(lambda: self._on_sources(self.rows))

    def reload(self) -> None:
        self.engine.call(lambda sift: sift.sources(), self._on_sources)

    def _on_sources(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            path = QTableWidgetItem(str(row["path"]))
            path.setData(256, int(row["id"]))
            self.table.setItem(n, 0, path)
            self.table.setItem(n, 1, QTableWidgetItem(tr(str(row["kind"]))))
            state = tr("paused") if row.get("paused") else tr("watching")
            self.table.setItem(n, 2, QTableWidgetItem(state))

    def add(self, kind: str) -> None:
        path = pick_source(self, kind)
        if path is not None:
            self.engine.add_source(path)
            self.reload()

    def _changed(self, _result: object = None) -> None:
        self.reload()
        self.engine.load_overview()

    @Slot()
    def toggle_pause(self) -> None:
        source_id = _row_data(self.table)
        if source_id is None:
            return
        row = next(r for r in self.rows if int(r["id"]) == source_id)
        paused = not row.get("paused")
        self.engine.call(lambda sift: sift.pause_source(source_id, paused=paused), self._changed)

    @Slot()
    def remove(self) -> None:
        source_id = _row_data(self.table)
        if source_id is not None:
            self.engine.call(lambda sift: sift.remove_source(source_id), self._changed)


class ModelsTab(Tab):
    """The language and embedding models, device, threads, and what is loaded now."""

    def __init__(self, engine: EngineClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.generator_edit = QLineEdit(self)
        self.embedder_edit = QLineEdit(self)
        gguf = self.button("Choose GGUF file…")
        gguf.clicked.connect(self._choose_gguf)
        hf = self.button("Choose Hugging Face folder…")
        hf.clicked.connect(self._choose_folder)
        self.device_combo = QComboBox(self)
        self.device_combo.addItem("CPU", 0)
        self.device_combo.addItem("GPU", None)
        self.threads_spin = QSpinBox(self)
        self.threads_spin.setRange(0, 256)
        self.texts.bind(self.threads_spin.setSpecialValueText, "automatic")
        self.loaded_label = QLabel("…", self)
        self.loaded_label.setWordWrap(True)
        self.memory_label = QLabel("…", self)
        generator_row = QHBoxLayout()
        generator_row.addWidget(self.generator_edit, 1)
        generator_row.addWidget(gguf)
        embedder_row = QHBoxLayout()
        embedder_row.addWidget(self.embedder_edit, 1)
        embedder_row.addWidget(hf)
        form = QFormLayout(self)
        form.addRow(self.label("Language model"), generator_row)
        form.addRow(self.label("Embedding model"), embedder_row)
        form.addRow(self.label("Device"), self.device_combo)
        form.addRow(self.label("Threads"), self.threads_spin)
        form.addRow(self.label("Loaded"), self.loaded_label)
        form.addRow(self.label("Memory"), self.memory_label)
        self._loaded: dict[str, Any] | None = None
        self.texts.hook(self._show_loaded)

    def reload(self) -> None:
        self.engine.call(_loaded, self._on_loaded)

    def _on_loaded(self, loaded: dict[str, Any]) -> None:
        self._loaded = loaded
        self._show_loaded()

    def _show_loaded(self) -> None:
        loaded = self._loaded
        if loaded is None:
            return
        missing = tr("not loaded yet")
        generator = loaded.get("generator") or loaded.get("generator_error") or missing
        embedder = loaded.get("embedder") or missing
        self.loaded_label.setText(f"LLM: {generator}\n{tr('Embeddings')}{colon()}{embedder}")
        rss = loaded.get("rss")
        self.memory_label.setText(f"{rss / 2**20:,.0f} MiB (RSS)" if rss else tr("unknown"))

    def show_settings(self, settings: Settings) -> None:
        self.generator_edit.setText(settings.generator)
        self.embedder_edit.setText(settings.embedder)
        self.device_combo.setCurrentIndex(0 if settings.gpu_layers == 0 else 1)
        self.threads_spin.setValue(settings.threads or 0)

    def values(self) -> dict[str, Any]:
        return {
            "generator": self.generator_edit.text().strip(),
            "embedder": self.embedder_edit.text().strip(),
            "gpu_layers": self.device_combo.currentData(),
            "threads": self.threads_spin.value() or None,
        }

    @Slot()
    def _choose_gguf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose GGUF file…"), "", "GGUF (*.gguf)")
        if path:
            self.generator_edit.setText(path)

    @Slot()
    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Choose Hugging Face folder…"))
        if path:
            self.embedder_edit.setText(path)


def _loaded(sift: Sift) -> dict[str, Any]:
    # On the engine thread: the same process, so its RSS includes the models.
    return {**sift.loaded_models(), "rss": rss_bytes()}


class CategoriesTab(Tab):
    """Categories and document types: add, rename, describe, delete."""

    def __init__(self, engine: EngineClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.categories: list[Category] = []
        self.table = _table(self, ["Name", "Kind", "Description"])
        self.table.itemSelectionChanged.connect(self._on_selected)
        self.name_edit = QLineEdit(self)
        self.texts.bind(self.name_edit.setPlaceholderText, "Name")
        self.description_edit = QLineEdit(self)
        self.texts.bind(self.description_edit.setPlaceholderText, "Description")
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem("", ItemKind.MAIL)
        self.kind_combo.addItem("", ItemKind.DOCUMENT)
        self.texts.bind(lambda text: self.kind_combo.setItemText(0, text), "Categories")
        self.texts.bind(lambda text: self.kind_combo.setItemText(1, text), "Document types")
        fields = QHBoxLayout()
        fields.addWidget(self.name_edit, 1)
        fields.addWidget(self.kind_combo)
        buttons = QHBoxLayout()
        self.add_button = self.button("Add")
        self.rename_button = self.button("Rename…")
        self.describe_button = self.button("Describe…")
        self.delete_button = self.button("Delete")
        for button, slot in (
            (self.add_button, self.add),
            (self.rename_button, self.rename),
            (self.describe_button, self.describe),
            (self.delete_button, self.delete),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(fields)
        layout.addWidget(self.description_edit)
        layout.addLayout(buttons)
        self.texts.hook(lambda: self._on_categories(self.categories))

    def reload(self) -> None:
        self.engine.call(lambda sift: sift.categories(), self._on_categories)

    def _on_categories(self, categories: list[Category]) -> None:
        self.categories = categories
        self.table.setRowCount(len(categories))
        for n, category in enumerate(categories):
            name = QTableWidgetItem(category.name)
            name.setData(256, category.name)
            self.table.setItem(n, 0, name)
            kind = "Categories" if category.kind == ItemKind.MAIL else "Document types"
            self.table.setItem(n, 1, QTableWidgetItem(tr(kind)))
            self.table.setItem(n, 2, QTableWidgetItem(category.description))

    def selected(self) -> str | None:
        return _row_data(self.table)

    @Slot()
    def _on_selected(self) -> None:
        name = self.selected()
        found = next((c for c in self.categories if c.name == name), None)
        if found is not None:
            self.name_edit.setText(found.name)
            self.description_edit.setText(found.description)
            self.kind_combo.setCurrentIndex(0 if found.kind == ItemKind.MAIL else 1)

    def _changed(self, _result: object = None) -> None:
        self.reload()
        self.engine.load_categories()
        self.engine.load_overview()

    @Slot()
    def add(self) -> None:
        name, text = self.name_edit.text().strip(), self.description_edit.text().strip()
        kind = self.kind_combo.currentData()
        if name:
            self.engine.call(lambda sift: sift.add_category(name, text, kind=kind), self._changed)

    @Slot()
    def rename(self) -> None:
        old, new = self.selected(), self.name_edit.text().strip()
        if old and new and new != old:
            self.engine.call(lambda sift: sift.rename_category(old, new), self._changed)

    @Slot()
    def describe(self) -> None:
        name, text = self.selected(), self.description_edit.text().strip()
        found = next((c for c in self.categories if c.name == name), None)
        if found is not None:
            kind = found.kind
            self.engine.call(
                lambda sift: sift.add_category(found.name, text, kind=kind), self._changed
            )

    @Slot()
    def delete(self) -> None:
        name = self.selected()
        if name:
            self.engine.call(lambda sift: sift.delete_category(name), self._changed)


class TrainingTab(Tab):
    """When to fine-tune, and which new items to notify about."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.min_labels = QSpinBox(self)
        self.min_labels.setRange(1, 100_000)
        self.interval = QDoubleSpinBox(self)
        self.interval.setRange(0, 24 * 30)
        self.interval.setDecimals(1)
        self.notify = QDoubleSpinBox(self)
        self.notify.setRange(0, 1.01)
        self.notify.setSingleStep(0.05)
        form = QFormLayout(self)
        form.addRow(self.label("Retrain after this many new labels"), self.min_labels)
        hours = self.label("Also retrain after this many hours (with new labels)")
        form.addRow(hours, self.interval)
        form.addRow(self.label("Notify for items with priority at least"), self.notify)

    def show_settings(self, settings: Settings) -> None:
        self.min_labels.setValue(settings.train_min_feedback)
        self.interval.setValue(settings.train_interval_hours)
        self.notify.setValue(settings.notify_priority)

    def values(self) -> dict[str, Any]:
        return {
            "train_min_feedback": self.min_labels.value(),
            "train_interval_hours": self.interval.value(),
            "notify_priority": round(self.notify.value(), 2),
        }


class LanguageTab(Tab):
    """The interface language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.addItem("", "")
        self.texts.bind(lambda text: self.combo.setItemText(0, text), "automatic")
        for code, name in LANGUAGES.items():
            self.combo.addItem(name, code)  # each language in its own words
        note = self.label("Applies as soon as you save.")
        form = QFormLayout(self)
        form.addRow(self.label("Interface language"), self.combo)
        form.addRow("", note)

    def show_settings(self, settings: Settings) -> None:
        index = self.combo.findData(settings.ui_language)
        self.combo.setCurrentIndex(max(index, 0))

    def values(self) -> dict[str, Any]:
        return {"ui_language": self.combo.currentData()}
