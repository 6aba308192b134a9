"""Cutting long text for map-reduce: boundaries, budgets, Chinese, sampling."""

from __future__ import annotations

import re

import pytest

from assistant.longtext import estimate_tokens
from assistant.longtext import sample_evenly
from assistant.longtext import split_chunks
from models.fake import FakeGenerator

count = FakeGenerator().count_tokens


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_chunks_fit_the_budget_and_keep_every_character() -> None:
    paragraphs = [
        " ".join(f"Sentence {p}.{s} has some words in it." for s in range(6)) for p in range(12)
    ]
    text = "\n\n".join(paragraphs)
    chunks = split_chunks(text, 60, count)
    assert len(chunks) > 3
    assert all(count(c) <= 60 for c in chunks)
    assert _squash("".join(chunks)) == _squash(text)


def test_chunks_break_at_sentence_ends_when_paragraphs_are_too_long() -> None:
    text = " ".join(f"Point number {i} is stated here." for i in range(40))
    chunks = split_chunks(text, 30, count)
    assert all(c.rstrip().endswith(".") for c in chunks)
    assert all(count(c) <= 30 for c in chunks)


def test_chinese_without_spaces_is_cut_at_punctuation_then_by_length() -> None:
    sentence = "我们讨论了区块链在各个行业的应用前景，以及比特币的发展历史。"
    text = sentence * 30
    chunks = split_chunks(text, 50, count)
    assert len(chunks) >= 10
    assert all(count(c) <= 50 for c in chunks)
    assert all(c.endswith("。") for c in chunks[:-1])
    assert _squash("".join(chunks)) == _squash(text)
    # A run with no punctuation at all is still cut to size.
    run = "区块链" * 100
    pieces = split_chunks(run, 40, count)
    assert all(count(p) <= 40 for p in pieces) and "".join(pieces) == run


def test_estimate_is_cautious_for_both_scripts() -> None:
    assert estimate_tokens("区块链技术") == 5
    assert estimate_tokens("a" * 30) >= 10


def test_sampling_keeps_first_and_last_and_order() -> None:
    chunks = [str(i) for i in range(14)]
    chosen, indices = sample_evenly(chunks, 8)
    assert len(chosen) == 8 and indices[0] == 0 and indices[-1] == 13
    assert indices == sorted(indices)
    assert sample_evenly(chunks[:3], 8) == (chunks[:3], [0, 1, 2])


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="budget"):
        split_chunks("text", 0)
