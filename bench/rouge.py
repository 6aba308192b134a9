"""ROUGE-1, ROUGE-2 and ROUGE-L F1, as the ``rouge-score`` package computes them.

English is tokenized as rouge-score does by default (lower case, runs of
``[a-z0-9]``, no stemming); Chinese at character level (each CJK character a
token, Latin words and numbers as whole tokens), the usual LCSTS / VCSum
scoring. With several references the score is the mean over them (the AESLC
paper's protocol); ``best`` gives the maximum instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_EN = re.compile(r"[a-z0-9]+")
_ZH = re.compile(r"[\u3400-\u9fff]|[a-z0-9]+")


def tokens(text: str, *, chinese: bool = False) -> list[str]:
    """Scoring tokens of ``text``."""
    return (_ZH if chinese else _EN).findall(text.lower())


def _f1(overlap: int, predicted: int, reference: int) -> float:
    if overlap == 0 or predicted == 0 or reference == 0:
        return 0.0
    precision, recall = overlap / predicted, overlap / reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(words: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def rouge_n(prediction: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-N F1 over token lists (clipped n-gram counts)."""
    pred, ref = _ngrams(prediction, n), _ngrams(reference, n)
    overlap = sum((pred & ref).values())
    return _f1(overlap, sum(pred.values()), sum(ref.values()))


def lcs(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(prediction: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-L F1 (sentence-level LCS, as rouge-score's ``rougeL``)."""
    return _f1(lcs(prediction, reference), len(prediction), len(reference))


def scores(
    prediction: str, references: Sequence[str], *, chinese: bool = False, best: bool = False
) -> dict[str, float]:
    """ROUGE-1/2/L F1 ×100 of one prediction against one or more references."""
    pred = tokens(prediction, chinese=chinese)
    per_ref = []
    for reference in references:
        ref = tokens(reference, chinese=chinese)
        per_ref.append((rouge_n(pred, ref, 1), rouge_n(pred, ref, 2), rouge_l(pred, ref)))
    if not per_ref:
        raise ValueError("at least one reference is needed")
    pick = max if best else (lambda values: sum(values) / len(values))
    return {
        name: 100 * pick([row[i] for row in per_ref])
        for i, name in enumerate(("rouge1", "rouge2", "rougeL"))
    }
