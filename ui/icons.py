"""Icons drawn with QPainter at whatever size and device pixel ratio Qt asks for.

No bitmaps: a ``QIconEngine`` paints each icon as vector shapes in the
palette's text colour, so icons are sharp on high-DPI screens and follow the
light or dark palette. ``app_icon`` adds a count badge for the tray.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF
from PySide6.QtCore import QRect
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QGuiApplication
from PySide6.QtGui import QIcon
from PySide6.QtGui import QIconEngine
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtGui import QPixmap
from PySide6.QtGui import QPolygonF

ACCENT = QColor("#2f6fde")
WARN = QColor("#c62828")

Painter = Callable[[QPainter, QColor], None]


def _pen(colour: QColor, width: float = 1.6) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


# Each painter draws in a 16×16 box; the engine scales it to the target rect.


def _inbox(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawRoundedRect(QRectF(2, 3, 12, 10), 1.5, 1.5)
    p.drawPolyline(QPolygonF([QPointF(2, 9), QPointF(5.5, 9), QPointF(6.5, 11), QPointF(9.5, 11)]))
    p.drawLine(QPointF(9.5, 11), QPointF(10.5, 9))
    p.drawLine(QPointF(10.5, 9), QPointF(14, 9))


def _dot(p: QPainter, _c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ACCENT)
    p.drawEllipse(QPointF(8, 8), 4, 4)


def _diamond(p: QPainter, _c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#e09100"))
    p.drawPolygon(QPolygonF([QPointF(8, 2), QPointF(14, 8), QPointF(8, 14), QPointF(2, 8)]))


def _clock(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawEllipse(QPointF(8, 8), 6, 6)
    p.drawLine(QPointF(8, 8), QPointF(8, 4.5))
    p.drawLine(QPointF(8, 8), QPointF(10.5, 9.5))


def _question(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawEllipse(QPointF(8, 8), 6, 6)
    path = QPainterPath(QPointF(6, 6.5))
    path.cubicTo(QPointF(6, 4), QPointF(10.5, 4), QPointF(10, 6.5))
    path.cubicTo(QPointF(9.8, 7.8), QPointF(8, 8), QPointF(8, 9.6))
    p.drawPath(path)
    p.drawPoint(QPointF(8, 11.6))


def _junk(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawEllipse(QPointF(8, 8), 6, 6)
    p.drawLine(QPointF(3.8, 12.2), QPointF(12.2, 3.8))


def _error(p: QPainter, _c: QColor) -> None:
    p.setPen(_pen(WARN))
    p.drawPolygon(QPolygonF([QPointF(8, 2), QPointF(14.5, 13.5), QPointF(1.5, 13.5)]))
    p.drawLine(QPointF(8, 6.5), QPointF(8, 9.5))
    p.drawPoint(QPointF(8, 11.7))


def _folder(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    path = QPainterPath(QPointF(2, 4))
    for x, y in ((6, 4), (7.5, 5.5), (14, 5.5), (14, 13), (2, 13)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.drawPath(path)


def _mail(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawRoundedRect(QRectF(2, 4, 12, 9), 1.2, 1.2)
    p.drawPolyline(QPolygonF([QPointF(2.5, 4.5), QPointF(8, 9), QPointF(13.5, 4.5)]))


def _file(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    path = QPainterPath(QPointF(4, 2))
    for x, y in ((10, 2), (13, 5), (13, 14), (4, 14)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.drawPath(path)
    p.drawPolyline(QPolygonF([QPointF(10, 2), QPointF(10, 5), QPointF(13, 5)]))


def _tag(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawPolygon(
        QPolygonF([QPointF(2, 2), QPointF(8, 2), QPointF(14, 8), QPointF(8, 14), QPointF(2, 8)])
    )
    p.drawEllipse(QPointF(5.2, 5.2), 1, 1)


def _sift(p: QPainter, _c: QColor) -> None:
    # A funnel: Sift's mark.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ACCENT)
    p.drawRoundedRect(QRectF(0.5, 0.5, 15, 15), 3.5, 3.5)
    p.setBrush(QColor("white"))
    p.drawPolygon(
        QPolygonF(
            [
                QPointF(3.5, 4),
                QPointF(12.5, 4),
                QPointF(9, 8.5),
                QPointF(9, 12.5),
                QPointF(7, 11.5),
                QPointF(7, 8.5),
            ]
        )
    )


PAINTERS: dict[str, Painter] = {
    "inbox": _inbox,
    "unread": _dot,
    "suggestion": _diamond,
    "later": _clock,
    "unsure": _question,
    "junk": _junk,
    "error": _error,
    "folder": _folder,
    "mail": _mail,
    "file": _file,
    "tag": _tag,
    "sift": _sift,
}


class PaintedIconEngine(QIconEngine):
    """Paints one of ``PAINTERS`` (and an optional badge) at any size.

    Each size, mode, pixel ratio and palette colour is drawn once into a
    pixmap and then copied: drawing takes a dozen calls into Qt, and PySide
    hands the GIL back at every one of them, so while the engine thread ran
    Python one repaint of the sources pane's icons stalled the event loop
    for 30 ms (``bench/gui.py``). One ``drawPixmap`` is one call.
    """

    def __init__(self, name: str, badge: str = "") -> None:
        super().__init__()
        self.name = name
        self.badge = badge
        self._rendered: dict[tuple[int, int, float, int, int], QPixmap] = {}

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        del state
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self._pixmap(rect.width(), rect.height(), ratio, mode))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        del state
        return self._pixmap(size.width(), size.height(), 1.0, mode)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        del state
        return self._pixmap(size.width(), size.height(), scale, mode)

    def clone(self) -> QIconEngine:
        return PaintedIconEngine(self.name, self.badge)

    def _pixmap(self, width: int, height: int, ratio: float, mode: QIcon.Mode) -> QPixmap:
        group = (
            QPalette.ColorGroup.Disabled
            if mode == QIcon.Mode.Disabled
            else QPalette.ColorGroup.Normal
        )
        colour = QGuiApplication.palette().color(group, QPalette.ColorRole.WindowText)
        key = (width, height, ratio, int(mode == QIcon.Mode.Disabled), colour.rgba())
        pixmap = self._rendered.get(key)
        if pixmap is None:
            # Whole device pixels that cover the logical size (1.25x, 1.5x screens).
            pixmap = QPixmap(max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self._draw(painter, min(width, height), colour)
            painter.end()
            self._rendered[key] = pixmap
        return pixmap

    def _draw(self, painter: QPainter, side: int, colour: QColor) -> None:
        """The icon in a ``side`` × ``side`` square at the top left, in logical pixels."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(side / 16, side / 16)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        PAINTERS[self.name](painter, colour)
        if self.badge:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(WARN))
            painter.drawEllipse(QRectF(7, 7, 9, 9))
            font = QFont()
            font.setPixelSize(6 if len(self.badge) < 3 else 4)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("white"))
            painter.drawText(QRectF(7, 7, 9, 9), Qt.AlignmentFlag.AlignCenter, self.badge)


# Icons are cached: one engine per (name, badge), kept alive by the cache
# rather than left to PySide's ownership transfer, and QIcon copies share it.
_CACHE: dict[tuple[str, str], QIcon] = {}


def icon(name: str, badge: str = "") -> QIcon:
    """A painted icon by name (a key of ``PAINTERS``), with an optional badge."""
    key = (name, badge)
    if key not in _CACHE:
        _CACHE[key] = QIcon(PaintedIconEngine(name, badge))
    return _CACHE[key]


def badge_text(count: int) -> str:
    """The tray badge: the count, ``99+`` above 99, nothing for zero."""
    if count <= 0:
        return ""
    return "99+" if count > 99 else str(count)


def app_icon(count: int = 0) -> QIcon:
    """Sift's icon, with a red count badge when ``count`` > 0."""
    return icon("sift", badge_text(count))
