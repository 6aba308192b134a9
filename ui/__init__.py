"""Sift's Qt GUI (PySide6): the only package that imports Qt."""

from ui.pyside_fixes import pin_booleans

pin_booleans()
