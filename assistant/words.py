"""A word model of the user's categories: multinomial naive Bayes over the labelled items.

Embeddings capture what a mail is *about*; a genre the user defines ("reports
from the trading desk", "forwarded press clippings") often shows in its words:
a sender's domain, a recurring phrase, a form's headings. Naive Bayes over
words and word pairs learns those from a handful of labels, updates at once
with each new label (counts, no training), and is the kind of model
SpamBayes and POPFile used for user-defined folders. Triage mixes its
probabilities with the embedding evidence (see ``assistant.triage``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence

import numpy as np

from models.base import FloatArray

_WORD = re.compile(r"[\u4e00-\u9fff]|[a-z][a-z'-]+|\d+")
Words = tuple[str, ...]  # an item's distinct words, as ``tokens`` gives them
TEXT_CHARS = 3000  # the opening of an item carries its genre; the rest adds time, not signal
SMOOTHING = 0.1  # additive (Lidstone) smoothing of word counts


def tokens(title: str, text: str, sender: str = "") -> Words:
    """The distinct words, word pairs (Chinese: character pairs) and the sender's domain.

    A tuple, not a frozenset: the pipeline keeps every item's words, and the
    garbage collector stops tracking a tuple that holds only strings, while a
    frozenset stays tracked and every full collection walks its members.
    Thousands of items' sets made those collections 50-60 ms of held GIL, a
    stall of the window (``bench/gui.py``).
    """
    words = _WORD.findall(f"{title}\n{text[:TEXT_CHARS]}".lower())
    found = set(words)
    found.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    if "@" in sender:
        found.add("from:" + sender.lower().rsplit("@", 1)[1].strip(" >")[:60])
    return tuple(found)


class WordModel:
    """Per-category word counts; ``log_likelihoods`` scores a new item."""

    def __init__(self) -> None:
        self._items: Counter[str] = Counter()
        self._words: dict[str, Counter[str]] = {}
        self._totals: Counter[str] = Counter()
        self._vocabulary: set[str] = set()

    @property
    def size(self) -> int:
        """How many labelled items the model has counted."""
        return sum(self._items.values())

    def learn(self, words: Iterable[str], label: str) -> None:
        """Count one labelled item (each word once: presence, not frequency)."""
        counts = self._words.setdefault(label, Counter())
        unique = set(words)
        counts.update(unique)
        self._totals[label] += len(unique)
        self._vocabulary.update(unique)
        self._items[label] += 1

    def log_likelihoods(self, words: Iterable[str], names: Sequence[str]) -> FloatArray:
        """Per category: log prior + sum of word log probabilities, over known words.

        Words no category has seen carry no evidence and are skipped.
        """
        known = [w for w in set(words) if w in self._vocabulary]
        total_items = self.size
        vocabulary = len(self._vocabulary) + 1
        out = np.zeros(len(names), dtype=np.float64)
        for index, name in enumerate(names):
            counts = self._words.get(name, Counter())
            denominator = math.log(self._totals[name] + SMOOTHING * vocabulary)
            score = math.log((self._items[name] + 1) / (total_items + len(names)))
            for word in known:
                score += math.log(counts.get(word, 0) + SMOOTHING) - denominator
            out[index] = score
        return out

    def probabilities(self, words: Iterable[str], names: Sequence[str]) -> FloatArray:
        """Naive Bayes posteriors, tempered by the square root of the evidence size.

        Naive Bayes multiplies hundreds of correlated word likelihoods and is
        wildly overconfident; dividing the log-odds by sqrt(known words) is a
        standard, cheap tempering that the calibration step refines.
        """
        words = list(words)
        scores = self.log_likelihoods(words, names)
        known = sum(1 for w in set(words) if w in self._vocabulary)
        scores = scores / max(1.0, math.sqrt(known))
        scores -= scores.max()
        exp = np.exp(scores)
        return (exp / exp.sum()).astype(np.float32)

    def clues(
        self, words: Iterable[str], name: str, names: Sequence[str], limit: int = 4
    ) -> list[str]:
        """The item's words that speak most for ``name`` over the other categories."""
        counts = self._words.get(name)
        if not counts:
            return []
        others = [self._words.get(n, Counter()) for n in names if n != name]
        other_items = sum(self._items[n] for n in names if n != name)
        scored = []
        for word in set(words):
            mine = counts.get(word, 0)
            if mine < 2 or (" " in word and mine < 3):
                continue
            theirs = sum(c.get(word, 0) for c in others)
            ratio = ((mine + SMOOTHING) / (self._items[name] + 1)) / (
                (theirs + SMOOTHING) / (other_items + 1)
            )
            if ratio > 2.0:
                scored.append((ratio, word))
        return [word for _, word in sorted(scored, reverse=True)[:limit]]
