"""bench/rouge.py against values published for the rouge-score package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[2] / "bench" / "rouge.py"
spec = importlib.util.spec_from_file_location("bench_rouge", PATH)
assert spec is not None and spec.loader is not None
rouge = importlib.util.module_from_spec(spec)
sys.modules["bench_rouge"] = rouge
spec.loader.exec_module(rouge)


def test_matches_the_rouge_score_readme_example() -> None:
    # rouge-score's README: scorer.score('The quick brown fox jumps over the lazy dog',
    # 'The quick brown dog jumps on the log.') -> rouge1 F 0.70588, rougeL F 0.58824.
    result = rouge.scores(
        "The quick brown dog jumps on the log.", ["The quick brown fox jumps over the lazy dog"]
    )
    assert result["rouge1"] == pytest.approx(70.588, abs=1e-3)
    assert result["rougeL"] == pytest.approx(58.824, abs=1e-3)
    # Bigrams by hand: "the quick", "quick brown" shared; 7 predicted, 8 reference.
    assert result["rouge2"] == pytest.approx(100 * 2 * (2 / 7) * (2 / 8) / (2 / 7 + 2 / 8))


def test_identical_and_disjoint() -> None:
    assert rouge.scores("Meeting moved", ["meeting MOVED!"])["rougeL"] == pytest.approx(100)
    assert rouge.scores("budget", ["meeting"]) == {"rouge1": 0, "rouge2": 0, "rougeL": 0}
    assert rouge.scores("", ["meeting"])["rouge1"] == 0


def test_several_references_mean_or_best() -> None:
    refs = ["meeting confirmation", "budget"]
    assert rouge.scores("meeting confirmation", refs)["rouge1"] == pytest.approx(50)
    assert rouge.scores("meeting confirmation", refs, best=True)["rouge1"] == pytest.approx(100)


def test_chinese_is_scored_by_character() -> None:
    assert rouge.tokens("可穿戴技术2015年", chinese=True) == [*"可穿戴技术", "2015", "年"]
    result = rouge.scores("可穿戴设计原则", ["可穿戴技术十大设计原则"], chinese=True)
    # 7 predicted characters, 11 reference, all 7 in order: LCS 7.
    assert result["rougeL"] == pytest.approx(100 * 2 * 1 * (7 / 11) / (1 + 7 / 11))
    assert result["rouge1"] == result["rougeL"]


def test_lcs() -> None:
    assert rouge.lcs("ABCBDAB", "BDCABA") == 4
    assert rouge.lcs([], ["a"]) == 0
