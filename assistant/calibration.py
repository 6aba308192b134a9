"""Calibrated confidence for triage, fitted on held-out feedback.

A score only helps the user if "80 %" is right about 80 % of the time. The
head, the memory and the word model are each over- or under-confident in
their own way, so when a head is trained (``Learner.train``), the held-out
slice of the user's labels fits:

* the **word weight**: how much the word model counts against the
  embedding evidence in the log-linear mixture;
* a **temperature** for the mixture (Guo et al., 2017: one scalar that
  divides the log-probabilities, chosen to minimise held-out log loss; it
  never changes the ranking, only the confidence);
* **per-category thresholds**: the global threshold promises that a guess
  it lets through is right at least that often (30 % by default); a
  category whose held-out guesses break that promise must be surer before
  it is chosen, so "unsure" replaces a wrong guess where guesses are bad.
  (Until session 3 the bar was a fixed 50 % precision, stricter than the
  global threshold's own promise: on the enron_berkeley replay it withheld
  guesses that were right 40-47 % of the time, 2.5 points of accuracy.)

Abstaining needs a confidence that has been checked. Until a calibration
was fitted on at least ``MIN_CHECKED`` held-out labels, its confidence is
a score and not yet a probability: on a replay of user-made categories
(enron_berkeley, first 200 messages) the guesses it would have withheld at
0.3 were right about as often (36-50 %) as the ones it kept, so abstaining
there only hid useful guesses. ``Calibration.checked`` says whether the
thresholds apply; the triage shows its best guess, marked as such, until then.

The result travels with the head (its JSON sidecar), so every model version
carries its own calibration.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import numpy as np

from models.base import FloatArray

DEFAULT_WORD_WEIGHT = 0.5
TEMPERATURES = tuple(float(t) for t in np.geomspace(0.25, 4.0, 25))
WORD_WEIGHTS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8)
MIN_SUPPORT = 4  # held-out guesses of a category before its own threshold is set
MAX_THRESHOLD = 0.9
MIN_CHECKED = 30  # held-out labels before a calibration's confidence may justify "unsure"


@dataclass(frozen=True, slots=True)
class Calibration:
    """How triage turns its evidence into a confidence, and when it abstains."""

    temperature: float = 1.0
    word_weight: float = DEFAULT_WORD_WEIGHT
    thresholds: Mapping[str, float] = field(default_factory=dict)
    ece_before: float | None = None
    ece_after: float | None = None
    support: int | None = 0  # held-out rows fitted on; None: saved before this was kept

    @property
    def checked(self) -> bool:
        """Whether enough held-out labels checked this confidence to abstain on it."""
        return self.support is None or self.support >= MIN_CHECKED

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "temperature": self.temperature,
            "word_weight": self.word_weight,
            "thresholds": dict(self.thresholds),
            "ece_before": self.ece_before,
            "ece_after": self.ece_after,
            "support": self.support,
        }

    @staticmethod
    def from_json(data: Mapping[str, Any] | None) -> Calibration:
        """The inverse of ``as_json``; missing keys take the defaults."""
        data = data or {}
        return Calibration(
            temperature=float(data.get("temperature", 1.0)),
            word_weight=float(data.get("word_weight", DEFAULT_WORD_WEIGHT)),
            thresholds={str(k): float(v) for k, v in (data.get("thresholds") or {}).items()},
            ece_before=data.get("ece_before"),
            ece_after=data.get("ece_after"),
            support=None if data.get("support") is None else int(data["support"]),
        )

    def threshold(self, name: str, default: float) -> float:
        """The confidence ``name`` needs before it is chosen."""
        return max(default, self.thresholds.get(name, default))


def mix(embedding: FloatArray, words: FloatArray | None, weight: float) -> FloatArray:
    """Log-linear pool of the embedding and word probabilities (log-probabilities out)."""
    log_embedding = np.log(np.clip(embedding, 1e-9, 1.0))
    if words is None or weight <= 0:
        return log_embedding
    return (1 - weight) * log_embedding + weight * np.log(np.clip(words, 1e-9, 1.0))


def scale(log_probabilities: FloatArray, temperature: float) -> FloatArray:
    """Softmax of log-probabilities divided by ``temperature``."""
    scaled = np.asarray(log_probabilities, dtype=np.float64) / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return (exp / exp.sum(axis=-1, keepdims=True)).astype(np.float32)


def log_loss(probabilities: FloatArray, golds: Sequence[int]) -> float:
    """Mean negative log-likelihood of the gold classes."""
    picked = probabilities[np.arange(len(golds)), list(golds)]
    return float(-np.mean(np.log(np.clip(picked, 1e-9, 1.0))))


def ece(probabilities: FloatArray, golds: Sequence[int], bins: int = 10) -> float:
    """Expected calibration error: |accuracy - confidence| per confidence bin, weighted."""
    if len(golds) == 0:
        return 0.0
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(golds)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def fit_temperature(log_probabilities: FloatArray, golds: Sequence[int]) -> float:
    """The temperature that minimises held-out log loss (grid search; one parameter)."""
    return min(TEMPERATURES, key=lambda t: log_loss(scale(log_probabilities, t), golds))


def category_thresholds(
    probabilities: FloatArray,
    golds: Sequence[int],
    names: Sequence[str],
    default: float,
    *,
    min_precision: float | None = None,
) -> dict[str, float]:
    """Per-category thresholds for categories whose held-out precision is poor.

    For each category guessed at least ``MIN_SUPPORT`` times at the global
    threshold with precision below ``min_precision`` (default: the global
    threshold's own promise, ``default``), the lowest higher threshold at
    which its guesses reach that precision (or ``MAX_THRESHOLD`` when none does).
    """
    if min_precision is None:
        min_precision = default
    confidence = probabilities.max(axis=1)
    guess = probabilities.argmax(axis=1)
    right = guess == np.asarray(golds)
    out: dict[str, float] = {}
    for index, name in enumerate(names):
        chosen = (guess == index) & (confidence >= default)
        if chosen.sum() < MIN_SUPPORT or right[chosen].mean() >= min_precision:
            continue
        level = MAX_THRESHOLD
        for candidate in sorted(set(confidence[chosen].tolist())):
            above = chosen & (confidence >= candidate)
            if above.sum() >= 2 and right[above].mean() >= min_precision:
                level = min(MAX_THRESHOLD, float(candidate))
                break
        out[name] = level
    return out


def fit(
    embedding: FloatArray,
    words: FloatArray | None,
    golds: Sequence[int],
    names: Sequence[str],
    default_threshold: float,
) -> Calibration:
    """Fit word weight, temperature and per-category thresholds on held-out rows.

    Args:
        embedding: held-out embedding-evidence probabilities, one row per item.
        words: the word model's probabilities for the same rows (None: no word model).
        golds: each row's gold class index into ``names``.
        names: the classes, in column order.
        default_threshold: the global abstention threshold.
    """
    weights = WORD_WEIGHTS if words is not None else (0.0,)
    best: tuple[float, float, float] | None = None
    for weight in weights:
        pooled = mix(embedding, words, weight)
        temperature = fit_temperature(pooled, golds)
        loss = log_loss(scale(pooled, temperature), golds)
        if best is None or loss < best[0]:
            best = (loss, weight, temperature)
    assert best is not None
    _, weight, temperature = best
    raw = scale(mix(embedding, words, DEFAULT_WORD_WEIGHT if words is not None else 0.0), 1.0)
    calibrated = scale(mix(embedding, words, weight), temperature)
    return Calibration(
        temperature=temperature,
        word_weight=weight,
        thresholds=category_thresholds(calibrated, golds, names, default_threshold),
        ece_before=ece(raw, golds),
        ece_after=ece(calibrated, golds),
        support=len(golds),
    )
