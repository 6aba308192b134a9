"""Sift's engine: read, summarize, triage, suggest and learn, with no Qt.

The public surface is small::

    from assistant import Sift
    with Sift(data_dir) as sift:
        items = sift.ingest(paths)

Importing this package loads neither Qt, torch nor llama_cpp.
"""

from assistant.engine import Sift
from assistant.errors import SiftError
from assistant.errors import UserError
from assistant.types import Item
from assistant.types import ItemKind
from assistant.types import Suggestion
from assistant.types import SuggestionKind
from assistant.types import TrainReport

__all__ = [
    "Item",
    "ItemKind",
    "Sift",
    "SiftError",
    "Suggestion",
    "SuggestionKind",
    "TrainReport",
    "UserError",
]
