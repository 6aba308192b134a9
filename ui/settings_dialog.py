"""The settings dialog: sources, models, categories, fine-tuning, privacy, language.

Every read and write goes to the engine thread through ``EngineClient.call``;
the dialog fills itself when the answers come back. Preferences are saved
through ``Sift.update_settings`` (the user's settings file), never QSettings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtCore import Signal
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from assistant.engine import Sift
from assistant.settings import Settings
from ui.client import EngineClient
from ui.i18n import is_language_change
from ui.i18n import tr
from ui.settings_tabs import CategoriesTab
from ui.settings_tabs import LanguageTab
from ui.settings_tabs import ModelsTab
from ui.settings_tabs import SourcesTab
from ui.settings_tabs import TrainingTab

TAB_TITLES = ("Sources", "Models", "Categories", "Fine-tuning", "Privacy", "Language")


class SettingsDialog(QDialog):
    """Sift's settings, in tabs.

    Args:
        engine: the handle on the engine thread.
        parent: the owning widget.

    Signals:
        settings_saved(object): the ``Settings`` now in force.
        data_cleared(): all data was deleted.
    """

    settings_saved = Signal(object)
    data_cleared = Signal()

    def __init__(self, engine: EngineClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.settings = Settings()
        self.confirm: QMessageBox | None = None
        self.tabs = QTabWidget(self)
        self.sources_tab = SourcesTab(engine, self)
        self.models_tab = ModelsTab(engine, self)
        self.categories_tab = CategoriesTab(engine, self)
        self.training_tab = TrainingTab(self)
        self.language_tab = LanguageTab(self)
        privacy = QWidget(self)
        self.clear_button = QPushButton(privacy)
        self.clear_button.clicked.connect(self._on_clear)
        note = QLabel(privacy)
        note.setWordWrap(True)
        self.privacy_note = note
        privacy_layout = QVBoxLayout(privacy)
        privacy_layout.addWidget(note)
        privacy_layout.addWidget(self.clear_button)
        privacy_layout.addStretch(1)
        for widget in (
            self.sources_tab,
            self.models_tab,
            self.categories_tab,
            self.training_tab,
            privacy,
            self.language_tab,
        ):
            self.tabs.addTab(widget, "")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.resize(680, 460)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-apply the title, tab names and buttons (each tab does its own texts)."""
        self.setWindowTitle(tr("Settings"))
        for index, title in enumerate(TAB_TITLES):
            self.tabs.setTabText(index, tr(title))
        self.clear_button.setText(tr("Clear all data…"))
        self.privacy_note.setText(
            tr(
                "Deletes every item, summary, suggestion, feedback row and trained model. "
                "Your files and mailboxes are not touched."
            )
        )
        # Set after QDialogButtonBox's own LanguageChange handling, which resets them.
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))

    def load(self) -> None:
        """Read the settings, sources, categories and loaded models from the engine."""
        self.engine.call(lambda sift: sift.settings, self._on_settings)
        self.sources_tab.reload()
        self.models_tab.reload()
        self.categories_tab.reload()

    def _on_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.models_tab.show_settings(settings)
        self.training_tab.show_settings(settings)
        self.language_tab.show_settings(settings)

    def changes(self) -> dict[str, Any]:
        """The settings the tabs changed."""
        wanted = {
            **self.models_tab.values(),
            **self.training_tab.values(),
            **self.language_tab.values(),
        }
        return {k: v for k, v in wanted.items() if getattr(self.settings, k) != v}

    @Slot()
    def save(self) -> None:
        """Save the changes through the engine, then close."""
        changes = self.changes()
        if changes:
            self.engine.call(lambda sift: sift.update_settings(**changes), self._on_saved)
        self.accept()

    def _on_saved(self, settings: Settings) -> None:
        self.settings = settings
        self.settings_saved.emit(settings)

    @Slot()
    def _on_clear(self) -> None:
        self.confirm = QMessageBox(
            QMessageBox.Icon.Warning,
            tr("Clear all data"),
            tr("Delete everything Sift has stored? This cannot be undone."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm.finished.connect(self._clear_answered)
        self.confirm.open()

    @Slot(int)
    def _clear_answered(self, answer: int) -> None:
        if answer == QMessageBox.StandardButton.Yes:
            self.engine.call(_clear_all, self._on_cleared)

    def _on_cleared(self, _result: object) -> None:
        self.data_cleared.emit()
        self.engine.load_items()
        self.engine.load_categories()
        self.load()


def _clear_all(sift: Sift) -> None:
    sift.clear_all_data()
