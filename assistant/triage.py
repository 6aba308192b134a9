"""Triage: a category for mail, a document type for files.

Three sources of evidence, combined into calibrated probabilities:

1. **Zero-shot** — similarity of the item to each category's name and
   description (embedded as E5 queries). This is all there is on day one.
2. **Memory** — the items the user labelled, nearest first. A label given a
   moment ago moves the very next prediction: no training needed.
3. **Head** — a small torch softmax head trained on the labelled embeddings by
   ``sift train`` and promoted only when it measures better on held-out data.

Below ``threshold`` the classifier abstains ("unsure") rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.signals import Signal
from assistant.types import Category
from assistant.types import ItemKind
from assistant.types import Prediction
from models.base import Embedder
from models.base import FloatArray
from models.head import Head

# E5 cosine similarities sit in a compressed band (unrelated ~0.78, related
# ~0.88), so a small softmax temperature spreads them into probabilities.
TEMPERATURE = 0.015
# Labelled examples are closer kin than a description (passage-passage vs
# query-passage similarity); this offset puts both on one scale.
DESCRIPTION_OFFSET = 0.04
NEIGHBOURS = 3
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[a-zA-Z][a-zA-Z'-]{3,}")


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled item the classifier remembers."""

    item_id: int
    label: str
    vector: FloatArray
    title: str


def softmax(scores: FloatArray, temperature: float) -> FloatArray:
    """Numerically stable softmax."""
    shifted = (scores - scores.max()) / temperature
    exp = np.exp(shifted)
    return (exp / exp.sum()).astype(np.float32)


class Triage:
    """Category / document-type classifier with an immediate memory.

    Args:
        embedder: the embedding backend.
        threshold: confidence below which the classifier abstains.
    """

    def __init__(self, embedder: Embedder, *, threshold: float = 0.3) -> None:
        self._embedder = embedder
        self.threshold = threshold
        self._descriptions: dict[tuple[str, str], FloatArray] = {}
        self.head: Head | None = None
        self.head_version: str | None = None

    @property
    def version(self) -> str:
        """The model version stamped on predictions."""
        base = f"triage[{self._embedder.info.version}]"
        return f"{base}+{self.head_version}" if self.head_version else base

    def _description_vectors(self, categories: Sequence[Category]) -> FloatArray:
        missing = [c for c in categories if (c.name, c.description) not in self._descriptions]
        if missing:
            texts = [f"{c.name.replace('-', ' ')}: {c.description}" for c in missing]
            vectors = self._embedder.embed(texts, query=True)
            for category, vector in zip(missing, vectors, strict=True):
                self._descriptions[(category.name, category.description)] = vector
        return np.stack([self._descriptions[(c.name, c.description)] for c in categories])

    def predict(
        self,
        vector: FloatArray,
        *,
        kind: ItemKind,
        categories: Sequence[Category],
        examples: Sequence[Example],
        text: str = "",
        signals: Sequence[Signal] = (),
    ) -> Prediction:
        """Classify one embedded item.

        Args:
            vector: the item's embedding.
            kind: mail or document; only categories of this kind compete.
            categories: all categories (filtered by kind here).
            examples: the user's labelled items of this kind.
            text: the item's text, for word clues.
            signals: structural signals (unsubscribe header, robot sender...).
        """
        pool = [c for c in categories if c.kind == kind]
        if not pool:
            return Prediction(None, 0.0, {}, ("no categories defined",), self.version)
        names = [c.name for c in pool]
        zero_shot = self._description_vectors(pool) @ vector + DESCRIPTION_OFFSET
        scores = zero_shot.copy()
        nearest: dict[str, list[tuple[float, Example]]] = {}
        usable = [e for e in examples if e.label in names]
        if usable:
            matrix = np.stack([e.vector for e in usable])
            sims = matrix @ vector
            for sim, example in zip(sims, usable, strict=True):
                nearest.setdefault(example.label, []).append((float(sim), example))
            for index, name in enumerate(names):
                if name in nearest:
                    best = sorted((s for s, _ in nearest[name]), reverse=True)[:NEIGHBOURS]
                    # The nearest example counts most; the description keeps a say.
                    memory = 0.7 * best[0] + 0.3 * float(np.mean(best))
                    scores[index] = max(scores[index], memory)
        for signal in signals:
            for index, name in enumerate(names):
                scores[index] += signal.nudges.get(name, 0.0)
        probabilities = softmax(scores, TEMPERATURE)
        if self.head is not None and set(self.head.classes) <= set(names):
            head_probs = self.head.predict_proba(vector[None, :])[0]
            mixed = np.zeros_like(probabilities)
            for index, name in enumerate(names):
                if name in self.head.classes:
                    mixed[index] = head_probs[self.head.classes.index(name)]
            weight = min(0.6, len(usable) / (len(usable) + 30.0))
            probabilities = (1 - weight) * probabilities + weight * mixed
            probabilities = probabilities / probabilities.sum()
        best_index = int(np.argmax(probabilities))
        confidence = float(probabilities[best_index])
        label = names[best_index] if confidence >= self.threshold else None
        clues = self._clues(names[best_index], pool[best_index], nearest, text)
        clues += tuple(s.clue for s in signals if s.nudges.get(names[best_index], 0.0) > 0)
        if label is None:
            runner_up = names[int(np.argsort(probabilities)[-2])] if len(names) > 1 else ""
            clues = (
                f"unsure: {names[best_index]} {confidence:.0%} vs {runner_up}",
                *clues,
            )
        return Prediction(
            label=label,
            confidence=confidence,
            scores={name: float(p) for name, p in zip(names, probabilities, strict=True)},
            clues=clues,
            model_version=self.version,
        )

    def _clues(
        self,
        name: str,
        category: Category,
        nearest: dict[str, list[tuple[float, Example]]],
        text: str,
    ) -> tuple[str, ...]:
        clues: list[str] = []
        for sim, example in sorted(nearest.get(name, []), key=lambda p: -p[0])[:2]:
            clues.append(
                f"like \u201c{example.title[:60]}\u201d (you filed it as {name}, {sim:.2f})"
            )
        described = {w.lower() for w in _WORD.findall(category.description)}
        shared = []
        for word in _WORD.findall(text[:4000]):
            lowered = word.lower()
            if lowered in described and lowered not in shared:
                shared.append(lowered)
        if shared:
            clues.append(f"words of \u201c{name}\u201d: {', '.join(shared[:5])}")
        if not clues:
            clues.append(f"closest to the description of \u201c{name}\u201d")
        return tuple(clues)
