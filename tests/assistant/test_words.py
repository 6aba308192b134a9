"""An item's words for the word model: what ``tokens`` keeps, and how it is held."""

from __future__ import annotations

import gc

from assistant.words import tokens


def test_tokens_are_distinct_words_pairs_and_the_sender_domain() -> None:
    words = tokens(
        "Budget review", "Review the budget, the BUDGET by Friday", "Dana <dana@Example.com>"
    )
    assert len(words) == len(set(words))
    assert {"budget", "review", "friday", "budget review", "the budget"} <= set(words)
    assert "from:example.com" in words


def test_chinese_text_gives_characters_and_character_pairs() -> None:
    words = set(tokens("会议", "周四开会"))
    assert {"会", "议", "周", "四", "会 议", "周 四", "开 会"} <= words


def test_kept_words_drop_out_of_garbage_collection() -> None:
    """GIVEN an item's words WHEN a collection has seen them THEN the collector no longer
    tracks them: thousands of cached items add nothing to a full collection's scan."""
    words = tokens("Budget", "review the budget by Friday", "dana@example.com")
    gc.collect()
    assert not gc.is_tracked(words)
