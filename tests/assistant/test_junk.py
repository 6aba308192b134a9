"""The junk filter: tokens, chi-squared combining, immediate learning, clues."""

from __future__ import annotations

from assistant.junk import JunkFilter
from assistant.junk import chi2q
from assistant.junk import tokenize
from assistant.store import Store


def test_tokenize_words_chinese_bigrams_and_headers() -> None:
    tokens = tokenize(
        "Free MONEY 免费发票 http://spam.example.net/x",
        headers={"from": "Bob <bob@deals.example.net>", "list_unsubscribe": "<mailto:u@x>"},
    )
    assert "free" in tokens and "money" in tokens
    assert {"免费", "费发", "发票"} <= set(tokens)
    assert "url:spam.example.net" in tokens
    assert "from-domain:deals.example.net" in tokens
    assert "header:list-unsubscribe" in tokens
    assert "header:no-to" in tokens


def test_chi2q_bounds() -> None:
    assert chi2q(0.0, 4) == 1.0
    assert chi2q(100.0, 4) < 1e-9


def test_seeded_filter_separates_obvious_cases() -> None:
    junk = JunkFilter(Store(None))
    spam = junk.classify("You WON the lottery! Claim your prize, send your bank details now.")
    ham = junk.classify("Can we move our project meeting to Thursday afternoon?")
    assert spam.is_junk is True and spam.probability > 0.8
    assert ham.is_junk is False and ham.probability < 0.2
    assert spam.clues and "junk" in spam.clues[0]


def test_chinese_spam_is_recognised_from_the_seed() -> None:
    junk = JunkFilter(Store(None))
    assert junk.classify("代开各类发票，点数优惠，请加微信联系").probability > 0.7


def test_learning_moves_the_next_verdict_at_once() -> None:
    junk = JunkFilter(Store(None))
    text = "quarterly glorbnak report for the glorbnak committee"
    before = junk.probability(text)[0]
    for _ in range(3):
        junk.learn(text, junk=True)
    after = junk.probability(text)[0]
    assert after > before + 0.3
    version_before = junk.version
    junk.learn(text, junk=True, unlearn=True)
    assert junk.version != version_before


def test_seed_is_applied_once() -> None:
    store = Store(None)
    JunkFilter(store)
    counts = store.get_meta("junk_messages_junk")
    JunkFilter(store)
    assert store.get_meta("junk_messages_junk") == counts


def test_unknown_text_is_unsure() -> None:
    verdict = JunkFilter(Store(None)).classify("qqqq zzzz")
    assert verdict.is_junk is None
    assert verdict.probability == 0.5
    assert verdict.clues == ("no words it has learned yet: unsure until you mark similar mail",)
