"""Engine features the GUI uses when this ``Sift`` has them.

Undo, reading signals, metrics, model history and "read next" come from
other parts of the engine that may not be there yet in a given build; the
GUI asks ``has(name)`` instead of failing, and hides or explains what it
cannot do. Everything here runs engine calls through ``EngineClient.call``.
"""

from __future__ import annotations

import logging
from typing import Any

from assistant.engine import Sift
from ui.client import EngineClient

log = logging.getLogger(__name__)

READ_NEXT_LIMIT = 50


def has(name: str) -> bool:
    """Whether the engine offers ``Sift.<name>``."""
    return callable(getattr(Sift, name, None))


def _signal_kind(name: str) -> Any:
    from assistant import types  # noqa: PLC0415 - SignalKind exists only in newer engines

    kind = getattr(types, "SignalKind", None)
    return None if kind is None else getattr(kind, name, None)


def record_opened(engine: EngineClient, item_id: int) -> None:
    """Tell the engine the user opened an item (implicit feedback), if it listens."""
    kind = _signal_kind("OPENED")
    if has("record_signal") and kind is not None:
        engine.call(lambda sift: sift.record_signal(item_id, kind))


def record_dwell(engine: EngineClient, item_id: int, seconds: float) -> None:
    """Tell the engine how long an item was shown, if it listens."""
    kind = _signal_kind("DWELL")
    if has("record_signal") and kind is not None and seconds >= 1:
        engine.call(lambda sift: sift.record_signal(item_id, kind, value=round(seconds, 1)))


def read_next(sift: Sift) -> list[Any]:
    """The engine's ranked reading list, as items (engine thread)."""
    return [recommendation.item for recommendation in sift.read_next(limit=READ_NEXT_LIMIT)]


def action_text(result: Any) -> str:
    """What an undo or action did, in one line."""
    return str(getattr(result, "summary", None) or result)
