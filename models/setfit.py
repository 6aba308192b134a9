"""SetFit-style contrastive fine-tuning of a Hugging Face encoder folder.

SetFit (Tunstall et al., 2022) adapts a sentence encoder to a few labelled
examples before fitting a classification head: pairs of texts with the same
label are pulled together and pairs with different labels pushed apart, with
a cosine-similarity regression loss (target 1 or 0). The encoder here is any
folder ``HFEmbedder`` can load (mean pooling, L2 norm), and the result is a
new folder of the same shape, published atomically, that ``HFEmbedder``
loads unchanged.

The default embedder (packed 4-bit e5 weights) is not tuned; for it
the torch head is what is tuned (``models.head``).
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.publish import publish_dir


@dataclass(frozen=True, slots=True)
class EncoderTuneConfig:
    """Hyperparameters of the contrastive fine-tune.

    Attributes:
        epochs: passes over the pairs.
        pairs_per_text: pairs drawn per labelled text (half positive, half negative).
        batch_size: pairs per optimiser step.
        lr: AdamW learning rate (SetFit's default for small encoders).
        max_length: token limit per text.
        seed: for the pair sampling and torch.
    """

    epochs: int = 1
    pairs_per_text: int = 4
    batch_size: int = 16
    lr: float = 2e-5
    max_length: int = 128
    seed: int = 0


def make_pairs(
    labels: Sequence[str], *, per_text: int, seed: int = 0
) -> list[tuple[int, int, float]]:
    """``(i, j, target)`` pairs: target 1.0 for the same label, 0.0 for different ones."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    pairs = []
    for i, label in enumerate(labels):
        same = [j for j in by_label[label] if j != i]
        other = [j for j, other_label in enumerate(labels) if other_label != label]
        for k in range(per_text):
            pool, target = (same, 1.0) if k % 2 == 0 else (other, 0.0)
            if pool:
                pairs.append((i, rng.choice(pool), target))
    rng.shuffle(pairs)
    return pairs


def _encode(model: Any, tokenizer: Any, texts: list[str], max_length: int) -> Any:
    import torch  # noqa: PLC0415

    encoded = tokenizer(
        [t or " " for t in texts],
        padding=True,
        truncation=True,
        max_length=max_length,
        return_tensors="pt",
    )
    hidden = model(**encoded).last_hidden_state
    mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def fine_tune_encoder(
    folder: Path,
    texts: Sequence[str],
    labels: Sequence[str],
    target: Path,
    *,
    config: EncoderTuneConfig | None = None,
) -> Path:
    """Fine-tune the encoder in ``folder`` on labelled texts; write it to ``target``.

    Args:
        folder: a transformers encoder folder (``config.json``, tokenizer, weights).
        texts: the labelled texts.
        labels: their labels (at least two distinct).
        target: the new folder (published atomically via ``<target>.part``).
        config: hyperparameters.

    Returns:
        ``target``.
    """
    if len(set(labels)) < 2:
        raise ValueError("contrastive fine-tuning needs at least two labels")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch  # noqa: PLC0415
    from transformers import AutoModel  # noqa: PLC0415
    from transformers import AutoTokenizer  # noqa: PLC0415

    config = config or EncoderTuneConfig()
    torch.manual_seed(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True)
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr)
    pairs = make_pairs(labels, per_text=config.pairs_per_text, seed=config.seed)
    for epoch in range(config.epochs):
        random.Random(config.seed + epoch).shuffle(pairs)
        for start in range(0, len(pairs), config.batch_size):
            batch = pairs[start : start + config.batch_size]
            left = _encode(model, tokenizer, [texts[i] for i, _, _ in batch], config.max_length)
            right = _encode(model, tokenizer, [texts[j] for _, j, _ in batch], config.max_length)
            goal = torch.tensor([t for _, _, t in batch], dtype=left.dtype)
            loss = torch.nn.functional.mse_loss((left * right).sum(dim=1), goal)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()

    def write(part: Path) -> None:
        model.save_pretrained(part, safe_serialization=True)
        tokenizer.save_pretrained(part)

    return publish_dir(target, write)
