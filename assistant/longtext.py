"""Cutting long text into pieces that fit the model's context, for map-reduce.

Pieces are cut at paragraph, then sentence, then clause boundaries, and only
where a single sentence is itself too long, inside it (Chinese has no spaces,
so a run of Chinese characters is cut by length). Sizes are measured with the
generator's own tokenizer when it has one, else estimated conservatively.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Counter = Callable[[str], int]

_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；;])\s*|\n+")
_CLAUSE_END = re.compile(r"(?<=[,，、:：])\s*|\s+")


def estimate_tokens(text: str) -> int:
    """A safe over-estimate of a text's token count when no tokenizer is at hand.

    A CJK character is about one token (Qwen: 0.7–1); Latin text runs about
    four characters a token, so three is the cautious side.
    """
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return cjk + (len(text) - cjk + 2) // 3


def _hard_cut(text: str, budget: int, count: Counter) -> list[str]:
    """Cut a piece with no usable boundary into parts of at most ``budget`` tokens."""
    parts = []
    rest = text
    while rest:
        if count(rest) <= budget:
            parts.append(rest)
            break
        # Characters per token of this piece, then a margin: tokenization is
        # close to additive, not exactly.
        size = max(1, int(len(rest) * budget / max(1, count(rest)) * 0.9))
        while size > 1 and count(rest[:size]) > budget:
            size = int(size * 0.8)
        parts.append(rest[:size])
        rest = rest[size:]
    return parts


def _units(text: str, budget: int, count: Counter) -> list[str]:
    """The text as a list of pieces each within ``budget``, boundaries preferred."""
    units: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if count(paragraph) <= budget:
            units.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            if not sentence.strip():
                continue
            if count(sentence) <= budget:
                units.append(sentence.strip())
                continue
            clauses = [c for c in _CLAUSE_END.split(sentence) if c]
            joined = ""
            for clause in clauses:
                for piece in _hard_cut(clause, budget, count):
                    glue = " " if joined and joined[-1].isascii() and piece[:1].isascii() else ""
                    candidate = f"{joined}{glue}{piece}"
                    if joined and count(candidate) > budget:
                        units.append(joined)
                        joined = piece
                    else:
                        joined = candidate
            if joined:
                units.append(joined)
    return units


def split_chunks(text: str, budget: int, count: Counter = estimate_tokens) -> list[str]:
    """Consecutive chunks of ``text``, each at most ``budget`` tokens by ``count``.

    Paragraphs and sentences are packed greedily and never cut unless one
    alone exceeds the budget. Every non-space character of the text is kept.
    """
    if budget < 1:
        raise ValueError("budget must be at least one token")
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for unit in _units(text, budget, count):
        cost = count(unit) + 1  # +1: the newline that joins it
        if current and used + cost > budget:
            chunks.append("\n".join(current))
            current, used = [], 0
        current.append(unit)
        used += cost
    if current:
        chunks.append("\n".join(current))
    # Packing adds costs of pieces; check the joined result with the real count.
    fitted: list[str] = []
    for chunk in chunks:
        fitted.extend([chunk] if count(chunk) <= budget else _hard_cut(chunk, budget, count))
    return fitted


def sample_evenly(chunks: list[str], limit: int) -> tuple[list[str], list[int]]:
    """At most ``limit`` chunks spread evenly over the text, first and last included.

    Returns:
        The chosen chunks and their indices in ``chunks``.
    """
    if len(chunks) <= limit:
        return chunks, list(range(len(chunks)))
    if limit <= 1:
        return chunks[:1], [0]
    last = len(chunks) - 1
    indices = sorted({round(i * last / (limit - 1)) for i in range(limit)})
    return [chunks[i] for i in indices], indices
