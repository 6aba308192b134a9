"""A small torch classification head over sentence embeddings.

Trained on the user's feedback (a few hundred rows at most on a desktop), so
full-batch training of a linear or one-hidden-layer softmax model takes well
under a second. The artefact is a ``.pt`` state dict plus a JSON sidecar,
written to ``<path>.part`` and renamed, so a crash never leaves half a model.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.base import FloatArray
from models.torch_import import load_torch

FORMAT_VERSION = 1  # v1 - state dict + classes/hidden/dim JSON sidecar


class HeadLoadError(Exception):
    """A head artefact is missing, corrupt or of another format."""


@dataclass(frozen=True, slots=True)
class HeadConfig:
    """Hyperparameters of the head.

    Attributes:
        hidden: 0 for multinomial logistic regression, else hidden units.
        weight_decay: L2 regularisation.
        epochs: full-batch optimisation steps.
        lr: Adam learning rate.
        seed: torch seed, for repeatable training.
    """

    hidden: int = 0
    weight_decay: float = 1e-3
    epochs: int = 200
    lr: float = 0.05
    seed: int = 0


class Head:
    """A trained head: ``predict_proba`` maps embeddings to class probabilities."""

    def __init__(self, module: Any, classes: Sequence[str], config: HeadConfig, dim: int) -> None:
        self._module = module
        self.classes = tuple(classes)
        self.config = config
        self.dim = dim
        # How the app turns this head's evidence into confidence (fitted on
        # held-out feedback by the trainer); opaque here, saved in the sidecar.
        self.calibration: dict[str, Any] = {}

    def predict_proba(self, vectors: FloatArray) -> FloatArray:
        """Class probabilities, one row per embedding, columns in ``classes`` order."""
        torch = load_torch()
        if len(vectors) == 0:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        with torch.inference_mode():
            logits = self._module(torch.from_numpy(np.array(vectors, dtype=np.float32)))
            return torch.softmax(logits, dim=1).numpy().astype(np.float32)

    def save(self, path: Path) -> None:
        """Write atomically: ``path`` (weights) and ``path.json`` (metadata)."""
        import torch  # noqa: PLC0415

        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT_VERSION,
            "classes": list(self.classes),
            "dim": self.dim,
            "hidden": self.config.hidden,
            "weight_decay": self.config.weight_decay,
            "calibration": self.calibration,
        }
        weights_tmp = path.with_name(path.name + ".part")
        meta_tmp = path.with_name(path.name + ".json.part")
        torch.save(self._module.state_dict(), weights_tmp)
        meta_tmp.write_text(json.dumps(meta), encoding="utf-8")
        for tmp in (weights_tmp, meta_tmp):
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
        weights_tmp.replace(path)
        meta_tmp.replace(path.with_name(path.name + ".json"))


def _module(dim: int, classes: int, hidden: int) -> Any:
    from torch import nn  # noqa: PLC0415

    if hidden <= 0:
        return nn.Linear(dim, classes)
    return nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, classes))


def train_head(
    vectors: FloatArray,
    labels: Sequence[str],
    *,
    config: HeadConfig | None = None,
    sample_weight: Sequence[float] | None = None,
) -> Head:
    """Fit a head on embeddings and their labels (full batch, Adam).

    Classes are weighted inversely to their frequency so a majority label
    does not swallow the rare ones (paperless-ngx used to push ambiguous
    documents onto the majority label).

    Runs on one torch thread: at a few thousand rows, threads only add
    synchronisation (a hidden-64 head on 14 rows took 1.4 s on two busy
    cores with two threads, 0.14 s with one).
    """
    import torch  # noqa: PLC0415

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train(torch, vectors, labels, config or HeadConfig(), sample_weight)
    finally:
        torch.set_num_threads(threads)


def _train(
    torch: Any,
    vectors: FloatArray,
    labels: Sequence[str],
    config: HeadConfig,
    sample_weight: Sequence[float] | None,
) -> Head:
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError("a head needs at least two classes")
    index = {name: i for i, name in enumerate(classes)}
    torch.manual_seed(config.seed)
    x = torch.from_numpy(np.array(vectors, dtype=np.float32))
    y = torch.tensor([index[label] for label in labels], dtype=torch.long)
    counts = torch.bincount(y, minlength=len(classes)).float()
    class_weight = (counts.sum() / (len(classes) * counts.clamp(min=1))).float()
    weights = (
        torch.tensor(list(sample_weight), dtype=torch.float32)
        if sample_weight is not None
        else torch.ones(len(labels))
    )
    module = _module(x.shape[1], len(classes), config.hidden)
    optimiser = torch.optim.Adam(
        module.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight, reduction="none")
    module.train()
    for _ in range(config.epochs):
        optimiser.zero_grad()
        loss = (loss_fn(module(x), y) * weights).sum() / weights.sum()
        loss.backward()
        optimiser.step()
    module.eval()
    return Head(module, classes, config, int(x.shape[1]))


def load_head(path: Path) -> Head:
    """Load a head saved by ``Head.save``.

    Raises:
        HeadLoadError: missing, corrupt or incompatible artefact.
    """
    import torch  # noqa: PLC0415

    try:
        meta = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise HeadLoadError(f"{path.name}: format {meta.get('format')} is not supported")
        module = _module(int(meta["dim"]), len(meta["classes"]), int(meta["hidden"]))
        state = torch.load(path, map_location="cpu", weights_only=True)
        module.load_state_dict(state)
    except HeadLoadError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError, EOFError, pickle.UnpicklingError) as error:
        raise HeadLoadError(f"cannot load head {path}: {error}") from error
    module.eval()
    config = HeadConfig(hidden=int(meta["hidden"]), weight_decay=float(meta["weight_decay"]))
    head = Head(module, meta["classes"], config, int(meta["dim"]))
    head.calibration = dict(meta.get("calibration") or {})
    return head
