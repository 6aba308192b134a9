"""Sentence embeddings from any local Hugging Face encoder folder.

Mean pooling over the last hidden state and L2 normalisation: the same vectors
sentence-transformers gives for models trained that way. The folder must be
on disk; Sift never lets transformers reach a hub.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.base import FloatArray
from models.base import ModelInfo


class HFLoadError(Exception):
    """The folder is not a loadable transformers encoder."""


def folder_version(folder: Path) -> str:
    """A stable version string from the config and weight file sizes."""
    digest = hashlib.sha256()
    for name in sorted(p.name for p in folder.iterdir() if p.is_file()):
        stat = (folder / name).stat()
        digest.update(f"{name}:{stat.st_size}".encode())
    return f"{folder.name}@{digest.hexdigest()[:12]}"


class HFEmbedder:
    """An encoder folder loaded with transformers, on CPU or CUDA.

    Args:
        folder: a directory with ``config.json``, tokenizer files and weights.
        max_length: token limit per text.
        batch_size: texts per forward pass.
        device: ``cpu``, ``cuda`` or ``None`` for automatic.
    """

    def __init__(
        self,
        folder: Path,
        *,
        max_length: int = 256,
        batch_size: int = 16,
        device: str | None = None,
    ) -> None:
        if not (folder / "config.json").is_file():
            raise HFLoadError(f"{folder} has no config.json: not a Hugging Face model folder")
        self._folder = folder
        self._max_length = max_length
        self._batch_size = batch_size
        self._device_request = device
        self._device = "cpu"
        self._tokenizer: Any = None
        self._model: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()
        self._version = folder_version(folder)

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(
            name=self._folder.name,
            version=self._version,
            path=str(self._folder),
            backend="transformers",
            device=self._device,
        )

    @property
    def dim(self) -> int:
        if self._dim is None:
            import json  # noqa: PLC0415

            config = json.loads((self._folder / "config.json").read_text(encoding="utf-8"))
            self._dim = int(config.get("hidden_size") or config.get("dim") or 0)
        return self._dim

    def _load(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch  # noqa: PLC0415 - lazy: seconds to import
        from transformers import AutoModel  # noqa: PLC0415
        from transformers import AutoTokenizer  # noqa: PLC0415

        device = self._device_request or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(self._folder, local_files_only=True)
            model = AutoModel.from_pretrained(self._folder, local_files_only=True)
        except (OSError, ValueError) as error:
            raise HFLoadError(f"transformers could not load {self._folder}: {error}") from error
        self._model = model.to(device).eval()
        self._device = device

    def embed(self, texts: Sequence[str], *, query: bool = False) -> FloatArray:
        del query  # symmetric encoders use no prefixes
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch  # noqa: PLC0415

        with self._lock:
            self._load()
            rows: list[FloatArray] = []
            for start in range(0, len(texts), self._batch_size):
                batch = [text or " " for text in texts[start : start + self._batch_size]]
                encoded = self._tokenizer(
                    batch,
                    padding=True,
                    truncation=True,
                    max_length=self._max_length,
                    return_tensors="pt",
                ).to(self._device)
                with torch.inference_mode():
                    hidden = self._model(**encoded).last_hidden_state
                mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                rows.append(pooled.cpu().numpy().astype(np.float32))
        return np.concatenate(rows, axis=0)

    def close(self) -> None:
        with self._lock:
            self._model = None
            self._tokenizer = None
