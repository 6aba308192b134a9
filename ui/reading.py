"""Reading signals and the "read next" list, between the item list and the engine.

The window tells the engine what the user opened and how long it stayed
shown (implicit feedback for ranking and training), and fills the
"Read next" view from the engine's ranking. Calls that write go through
``EngineClient.call``; ``read_next`` itself runs on the engine thread.
"""

from __future__ import annotations

from assistant.engine import Sift
from assistant.types import Item
from assistant.types import SignalKind
from ui.client import EngineClient

READ_NEXT_LIMIT = 50
MIN_DWELL_SECONDS = 1.0  # shorter than this is passing over, not reading


def record_opened(engine: EngineClient, item_id: int) -> None:
    """Tell the engine the user opened an item (it also marks the item read)."""
    engine.call(lambda sift: sift.record_signal(item_id, SignalKind.OPENED))


def record_dwell(engine: EngineClient, item_id: int, seconds: float) -> None:
    """Tell the engine how long an item was shown, when long enough to count."""
    if seconds >= MIN_DWELL_SECONDS:
        value = round(seconds, 1)
        engine.call(lambda sift: sift.record_signal(item_id, SignalKind.DWELL, value=value))


def read_next(sift: Sift) -> list[Item]:
    """The engine's ranked reading list, as items (engine thread)."""
    return [recommendation.item for recommendation in sift.read_next(limit=READ_NEXT_LIMIT)]
