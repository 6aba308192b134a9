"""Triage: a category for mail, a document type for files.

Three sources of evidence, combined into calibrated probabilities:

1. **Zero-shot** — similarity of the item to each category's name and
   description (embedded as E5 queries). This is all there is on day one.
2. **Memory** — the items the user labelled, nearest first. A label given a
   moment ago moves the very next prediction: no training needed.
3. **Head** — a small torch softmax head trained on the labelled embeddings by
   ``sift train`` and promoted only when it measures better on held-out data.
4. **Words** — a naive Bayes model of the labelled items' words
   (``assistant.words``), pooled log-linearly with the embedding evidence.

The pool's weight, its temperature and per-category abstention thresholds
are fitted on held-out labels when a head is trained (``calibrate``) and
travel with the head. Below its threshold the classifier abstains ("unsure")
rather than guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.calibration import Calibration
from assistant.calibration import fit as fit_calibration
from assistant.calibration import mix
from assistant.calibration import scale
from assistant.messages import say
from assistant.signals import Signal
from assistant.types import Category
from assistant.types import ItemKind
from assistant.types import Prediction
from assistant.words import WordModel
from assistant.words import Words
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
        self._calibration: tuple[int, Calibration] | None = None

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

    @property
    def calibration(self) -> Calibration:
        """The serving head's calibration (defaults without a head)."""
        head = self.head
        if head is None:
            return Calibration()
        key = id(head.calibration)  # a new head, or a new calibration for it
        if self._calibration is None or self._calibration[0] != key:
            self._calibration = (key, Calibration.from_json(head.calibration))
        return self._calibration[1]

    def predict(
        self,
        vector: FloatArray,
        *,
        kind: ItemKind,
        categories: Sequence[Category],
        examples: Sequence[Example],
        text: str = "",
        signals: Sequence[Signal] = (),
        words: WordModel | None = None,
        tokens: Words = (),
    ) -> Prediction:
        """Classify one embedded item.

        Args:
            vector: the item's embedding.
            kind: mail or document; only categories of this kind compete.
            categories: all categories (filtered by kind here).
            examples: the user's labelled items of this kind.
            text: the item's text, for word clues.
            signals: structural signals (unsubscribe header, robot sender...).
            words: the word model of the labelled items of this kind.
            tokens: the item's words (``assistant.words.tokens``).
        """
        pool = [c for c in categories if c.kind == kind]
        if not pool:
            return Prediction(None, 0.0, {}, ("no categories defined",), self.version)
        names = [c.name for c in pool]
        probabilities, nearest = self._embedding_evidence(vector, pool, examples, signals)
        calibration = self.calibration if self._head_fits(names) else Calibration()
        word_probs = self._word_evidence(words, tokens, names)
        probabilities = scale(
            mix(probabilities, word_probs, calibration.word_weight), calibration.temperature
        )
        best_index = int(np.argmax(probabilities))
        confidence = float(probabilities[best_index])
        learning = bool(nearest) and not calibration.checked
        needed = 0.0 if learning else calibration.threshold(names[best_index], self.threshold)
        label = names[best_index] if confidence >= needed else None
        clues = self._clues(names[best_index], pool[best_index], nearest, text)
        if learning and confidence < calibration.threshold(names[best_index], self.threshold):
            clues = (say("triage.best_guess", name=names[best_index], p=confidence), *clues)
        if word_probs is not None and words is not None:
            top = words.clues(tokens, names[best_index], names)
            if top:
                clues += (say("triage.words", name=names[best_index], words=", ".join(top)),)
        clues += tuple(s.clue for s in signals if s.nudges.get(names[best_index], 0.0) > 0)
        if label is None:
            runner_up = names[int(np.argsort(probabilities)[-2])] if len(names) > 1 else ""
            clues = (
                say("triage.unsure", name=names[best_index], p=confidence, other=runner_up),
                *clues,
            )
        return Prediction(
            label=label,
            confidence=confidence,
            scores={name: float(p) for name, p in zip(names, probabilities, strict=True)},
            clues=clues,
            model_version=self.version,
        )

    def calibrate(
        self,
        categories: Sequence[Category],
        train: Sequence[Example],
        test: Sequence[Example],
        tokens: Mapping[int, Words],
    ) -> Calibration:
        """Fit word weight, temperature and per-category thresholds on held-out examples.

        The memory and the word model hold only ``train``; each ``test``
        example is scored as a new item would be, with the head that serves
        now. Fitted on the kind (mail or documents) with the most held-out
        examples, whose categories compete with each other.
        """
        kinds = {c.name: c.kind for c in categories}
        by_kind = Counter(kinds[e.label] for e in test if e.label in kinds)
        if not by_kind:
            return Calibration()
        kind = by_kind.most_common(1)[0][0]
        pool = [c for c in categories if c.kind == kind]
        names = [c.name for c in pool]
        memory = [e for e in train if kinds.get(e.label) == kind]
        words = WordModel()
        for example in memory:
            words.learn(tokens.get(example.item_id, ()), example.label)
        embedding, word_rows, golds = [], [], []
        for example in test:
            if kinds.get(example.label) != kind:
                continue
            probabilities, _ = self._embedding_evidence(example.vector, pool, memory, ())
            embedding.append(probabilities)
            found = tokens.get(example.item_id, ())
            word_probs = self._word_evidence(words, found, names)
            word_rows.append(word_probs if word_probs is not None else probabilities)
            golds.append(names.index(example.label))
        return fit_calibration(
            np.stack(embedding),
            np.stack(word_rows) if words.size else None,
            golds,
            names,
            self.threshold,
        )

    def _head_fits(self, names: Sequence[str]) -> bool:
        return self.head is not None and set(self.head.classes) <= set(names)

    @staticmethod
    def _word_evidence(
        words: WordModel | None, tokens: Words, names: Sequence[str]
    ) -> FloatArray | None:
        if words is None or words.size == 0 or not tokens:
            return None
        return words.probabilities(tokens, names)

    def _embedding_evidence(
        self,
        vector: FloatArray,
        pool: Sequence[Category],
        examples: Sequence[Example],
        signals: Sequence[Signal],
    ) -> tuple[FloatArray, dict[str, list[tuple[float, Example]]]]:
        """Zero-shot, memory and head probabilities (before words and calibration)."""
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
        if self.head is not None and self._head_fits(names):
            head_probs = self.head.predict_proba(vector[None, :])[0]
            mixed = np.zeros_like(probabilities)
            for index, name in enumerate(names):
                if name in self.head.classes:
                    mixed[index] = head_probs[self.head.classes.index(name)]
            weight = min(0.6, len(usable) / (len(usable) + 30.0))
            probabilities = (1 - weight) * probabilities + weight * mixed
            probabilities = probabilities / probabilities.sum()
        return probabilities, nearest

    def _clues(
        self,
        name: str,
        category: Category,
        nearest: dict[str, list[tuple[float, Example]]],
        text: str,
    ) -> tuple[str, ...]:
        clues: list[str] = []
        for sim, example in sorted(nearest.get(name, []), key=lambda p: -p[0])[:2]:
            clues.append(say("triage.like", title=example.title[:60], name=name, similarity=sim))
        described = {w.lower() for w in _WORD.findall(category.description)}
        shared = []
        for word in _WORD.findall(text[:4000]):
            lowered = word.lower()
            if lowered in described and lowered not in shared:
                shared.append(lowered)
        if shared:
            clues.append(say("triage.words_quoted", name=name, words=", ".join(shared[:5])))
        if not clues:
            clues.append(say("triage.description", name=name))
        return tuple(clues)
