"""Deterministic fake backends for fast tests and development (no weights).

``FakeEmbedder`` hashes words (and CJK characters) into a fixed-size vector,
so texts that share words are similar, as with a real model. ``FakeGenerator``
answers with valid JSON for the requested schema, built from the prompt's own
sentences, and streams it word by word.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import numpy as np

from models.base import FloatArray
from models.base import Generation
from models.base import ModelInfo

_TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+")


class FakeEmbedder:
    """Hashed bag-of-words embeddings."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim
        self.calls = 0

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(name="fake-embedder", version="fake-embedder@1", path="", backend="fake")

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str], *, query: bool = False) -> FloatArray:
        del query
        self.calls += 1
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                bucket = int(hashlib.md5(token.encode()).hexdigest()[:8], 16) % self._dim
                out[row, bucket] += 1.0
            out[row, 0] += 0.01  # never a zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def close(self) -> None:
        return None


def _fill(schema: dict[str, Any], sentences: list[str], key: str = "") -> Any:
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _fill(sub, sentences, name) for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        count = min(int(schema.get("maxItems", 2)), 2)
        return [_fill(schema.get("items", {}), sentences[i + 1 :], key) for i in range(count)]
    if kind == "string":
        if "enum" in schema:
            return schema["enum"][0]
        text = sentences[0] if sentences else key
        return text[: int(schema.get("maxLength", 200))]
    if kind in {"number", "integer"}:
        return 0
    if kind == "boolean":
        return False
    return None


class FakeGenerator:
    """Schema-shaped answers made of the last message's first sentences.

    Args:
        delay: seconds to sleep per streamed word (to test cancellation).
        fail: raise this error on every call (to test fallbacks).
    """

    def __init__(self, *, delay: float = 0.0, fail: Exception | None = None) -> None:
        self._delay = delay
        self._fail = fail
        self.calls: list[Sequence[dict[str, str]]] = []

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(name="fake-llm", version="fake-llm@1", path="", backend="fake")

    @property
    def context_length(self) -> int:
        return 2048

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    def generate(
        self,
        messages: Sequence[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        self.calls.append(messages)
        if self._fail is not None:
            raise self._fail
        started = time.perf_counter()
        content = messages[-1]["content"] if messages else ""
        body = content.split("<<<", 1)[-1].split(">>>", 1)[0]
        sentences = [s.strip() for s in re.split(r"(?<=[.!?。！？])\s*|\n+", body) if s.strip()]
        value = _fill(schema, sentences) if schema else (sentences[0] if sentences else "")
        text = json.dumps(value, ensure_ascii=False) if schema else str(value)
        pieces = re.findall(r"\S+\s*", text)[:max_tokens]
        produced: list[str] = []
        cancelled = False
        for piece in pieces:
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            if self._delay:
                time.sleep(self._delay)
            produced.append(piece)
            if on_token is not None:
                on_token(piece)
        return Generation(
            text="".join(produced),
            prompt_tokens=self.count_tokens(content),
            completion_tokens=len(produced),
            seconds=time.perf_counter() - started,
            cancelled=cancelled,
        )

    def close(self) -> None:
        return None
