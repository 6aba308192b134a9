"""A small line chart drawn with QPainter (PySide6-Essentials has no QtCharts).

Values are fractions in [0, 1] shown as percentages, one point per label
(a day, a model version). Colours come from the palette, so the chart reads
in light and dark mode, and it is vector-drawn, so it is sharp at any DPI.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPaintEvent
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QWidget

from ui.i18n import tr

LINE = QColor("#2f6fde")


def chart_points(values: Sequence[float], rect: QRectF) -> list[QPointF]:
    """Where each value goes in ``rect`` (evenly spaced; 0 at the bottom, 1 at the top)."""
    if not values:
        return []
    step = rect.width() / max(len(values) - 1, 1)
    x0 = rect.left() if len(values) > 1 else rect.center().x()
    return [
        QPointF(x0 + i * step, rect.bottom() - max(0.0, min(1.0, v)) * rect.height())
        for i, v in enumerate(values)
    ]


class LineChart(QWidget):
    """A titled percentage line chart.

    Args:
        title: shown above the plot.
        parent: the owning widget.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: list[str] = []
        self.values: list[float] = []
        self.setMinimumSize(260, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, points: Sequence[tuple[str, float]]) -> None:
        """Replace the points: ``(label, fraction)`` pairs, in order."""
        self.labels = [label for label, _ in points]
        self.values = [value for _, value in points]
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = QColor(text)
        grid.setAlphaF(0.18)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        line_height = metrics.height()
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(QPointF(4, line_height), tr(self.title))  # English: any language
        painter.setFont(self.font())
        left = metrics.horizontalAdvance("100%") + 10
        plot = QRectF(left, line_height * 1.8, self.width() - left - 12, 0)
        plot.setBottom(self.height() - line_height * 1.6)
        for fraction in (0.0, 0.5, 1.0):
            y = plot.bottom() - fraction * plot.height()
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label_rect = QRectF(0, y - line_height / 2, left - 6, line_height)
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight, f"{fraction:.0%}")
        if not self.values:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, tr("No data yet"))
            painter.end()
            return
        points = chart_points(self.values, plot)
        painter.setPen(QPen(LINE, 2))
        if len(points) > 1:
            painter.drawPolyline(QPolygonF(points))
        painter.setBrush(LINE)
        for point in points:
            painter.drawEllipse(point, 3, 3)
        painter.setPen(text)
        for index in sorted({0, len(points) - 1}):
            label = self.labels[index]
            width = metrics.horizontalAdvance(label)
            x = min(max(points[index].x() - width / 2, 0), self.width() - width)
            painter.drawText(QPointF(x, self.height() - line_height * 0.4), label)
        painter.end()
