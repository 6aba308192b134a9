"""Tests for assistant.textclean: whitespace, quoted replies, signatures, language."""

from __future__ import annotations

import pytest

from assistant.textclean import detect_language
from assistant.textclean import normalize_whitespace
from assistant.textclean import split_quoted


def test_normalize_unifies_newlines_and_trims() -> None:
    """GIVEN CRLF and CR newlines, trailing spaces and long blank runs
    WHEN normalised
    THEN newlines are "\\n", lines are right-trimmed and blank runs are one line."""
    text = "  \r\nfirst   \r\nsecond\t\r\r\r\n\n\nthird  \n\n"
    assert normalize_whitespace(text) == "first\nsecond\n\nthird"


def test_normalize_removes_invisible_characters() -> None:
    """GIVEN NBSP, zero-width space, BOM and soft hyphen
    WHEN normalised
    THEN NBSP is a space and the invisible ones are gone."""
    assert normalize_whitespace("\ufeffa\u00a0b\u200bc\u00add") == "a bcd"


def test_split_quoted_lines() -> None:
    """GIVEN a reply with ">" quoted lines
    WHEN split
    THEN the quoted lines move to quoted and the rest stays."""
    new, quoted, signature = split_quoted("Sounds good.\n\n> Shall we meet at 3?\n> Bob")
    assert (new, quoted, signature) == ("Sounds good.", "> Shall we meet at 3?\n> Bob", "")


def test_split_english_attribution_takes_everything_after() -> None:
    """GIVEN a top-posted reply with an "On ... wrote:" line
    WHEN split
    THEN the attribution and everything after it is quoted."""
    text = (
        "Yes, Friday works.\n\n"
        "On Mon, Jan 6, 2025 at 9:14 AM Alice Smith <alice@example.com> wrote:\n"
        "> Does Friday work for you?\n"
        ">\n"
        "> Alice"
    )
    new, quoted, _ = split_quoted(text)
    assert new == "Yes, Friday works."
    assert quoted.startswith("On Mon, Jan 6") and quoted.endswith("> Alice")


def test_split_wrapped_attribution_over_two_lines() -> None:
    """GIVEN a Gmail attribution wrapped onto a second line
    WHEN split
    THEN both lines are part of the quoted text."""
    text = (
        "Thanks!\n\nOn Mon, Jan 6, 2025 at 9:14 AM Alice Smith <\n"
        "alice@example.com> wrote:\n\n> Report attached."
    )
    new, quoted, _ = split_quoted(text)
    assert new == "Thanks!"
    assert quoted.startswith("On Mon") and "> Report attached." in quoted


@pytest.mark.parametrize(
    "attribution",
    [
        "在 2025年1月6日 星期一 09:14，张三 <zhang@example.com> 写道：",
        "张三 <zhang@example.com> 于2025年1月6日周一 09:14写道：",
    ],
)
def test_split_chinese_attribution(attribution: str) -> None:
    """GIVEN a Chinese reply with a "写道：" attribution (Thunderbird or Gmail style)
    WHEN split
    THEN the attribution and the original are quoted."""
    text = f"好的，周五见。\n\n{attribution}\n> 周五有空吗？"
    new, quoted, _ = split_quoted(text)
    assert new == "好的，周五见。"
    assert quoted == f"{attribution}\n> 周五有空吗？"


def test_split_outlook_original_message() -> None:
    """GIVEN an Outlook reply with a "-----Original Message-----" block (no ">" marks)
    WHEN split
    THEN the block and everything after it is quoted."""
    text = (
        "Approved.\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\n"
        "To: Carol\nSubject: Budget\n\nPlease approve the budget."
    )
    new, quoted, _ = split_quoted(text)
    assert new == "Approved."
    assert quoted.startswith("-----Original Message-----")
    assert quoted.endswith("Please approve the budget.")


def test_split_outlook_header_block() -> None:
    """GIVEN an Outlook reply whose original starts with a From:/Sent:/To: block
    WHEN split
    THEN the block (with the rule line above it) is quoted."""
    text = (
        "See below.\n\n________________________________\n"
        "From: Bob Jones <bob@example.com>\nSent: Monday, January 6, 2025 9:14 AM\n"
        "To: Carol <carol@example.com>\nSubject: Budget\n\nPlease approve."
    )
    new, quoted, _ = split_quoted(text)
    assert new == "See below."
    assert quoted.startswith("____") and quoted.endswith("Please approve.")


def test_split_forward_keeps_forwarded_content() -> None:
    """GIVEN a Gmail forward whose forwarded header block looks like Outlook's
    WHEN split
    THEN nothing is quoted: the forwarded message is the content."""
    text = (
        "FYI\n\n---------- Forwarded message ---------\nFrom: Bob <bob@example.com>\n"
        "Date: Mon, Jan 6, 2025\nSubject: Plan\nTo: me@example.com\n\nThe plan is ready."
    )
    assert split_quoted(text) == (text, "", "")


def test_split_inline_reply_keeps_answers() -> None:
    """GIVEN an inline reply: answers written between quoted lines
    WHEN split
    THEN the answers stay in the new text and only ">" lines are quoted."""
    text = "On Mon, Bob wrote:\n> Question one?\nAnswer one.\n> Question two?\nAnswer two."
    new, quoted, _ = split_quoted(text)
    assert new == "Answer one.\nAnswer two."
    assert quoted == "On Mon, Bob wrote:\n> Question one?\n> Question two?"


def test_split_dash_dash_signature() -> None:
    """GIVEN a body with a "-- " signature separator
    WHEN split
    THEN what follows the separator is the signature."""
    new, quoted, signature = split_quoted("See you there.\n\n-- \nBob Jones\nACME Corp")
    assert (new, quoted, signature) == ("See you there.", "", "Bob Jones\nACME Corp")


def test_split_signature_before_quote() -> None:
    """GIVEN a top-posted reply with a signature above the quoted original
    WHEN split
    THEN text, signature and quote are all separated."""
    text = "Done.\n-- \nBob\n\nOn Tue, Jan 7, 2025, Alice wrote:\n> Is it done?"
    new, quoted, signature = split_quoted(text)
    assert (new, signature) == ("Done.", "Bob")
    assert quoted.endswith("> Is it done?")


def test_split_mobile_signature() -> None:
    """GIVEN a body ending with "Sent from my iPhone"
    WHEN split
    THEN that line is the signature."""
    assert split_quoted("On my way.\n\nSent from my iPhone") == (
        "On my way.",
        "",
        "Sent from my iPhone",
    )


def test_split_sign_off_block() -> None:
    """GIVEN a body ending with a sign-off and a short name block
    WHEN split
    THEN the sign-off block is the signature."""
    text = "Please send the invoice by Friday.\n\nBest regards,\nBob Jones\nFinance"
    assert split_quoted(text) == (
        "Please send the invoice by Friday.",
        "",
        "Best regards,\nBob Jones\nFinance",
    )


def test_split_lone_thanks_is_not_a_signature() -> None:
    """GIVEN a short mail whose last line is just "Thanks!"
    WHEN split
    THEN nothing is taken as a signature (no name block follows)."""
    assert split_quoted("Got it.\n\nThanks!") == ("Got it.\n\nThanks!", "", "")


def test_split_plain_text_untouched() -> None:
    """GIVEN a body with no quotes or signature
    WHEN split
    THEN it comes back whole."""
    assert split_quoted("Line one.\nLine two.") == ("Line one.\nLine two.", "", "")


def test_language_chinese() -> None:
    """GIVEN Chinese text with a few English words and a URL
    WHEN its language is detected
    THEN it is "zh"."""
    assert detect_language("您好，请查收附件中的 Q3 报告，详见 http://example.com/report") == "zh"


def test_language_english() -> None:
    """GIVEN ordinary English prose
    WHEN its language is detected
    THEN it is "en"."""
    assert detect_language("Please send me the report for the third quarter by Friday.") == "en"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12345 !!!",
        "Bonjour, pouvez-vous m'envoyer le rapport trimestriel avant vendredi ?",
        "会議の資料を送ってください。よろしくお願いします。",
    ],
)
def test_language_other(text: str) -> None:
    """GIVEN empty text, digits, French or Japanese
    WHEN the language is detected
    THEN it is "other"."""
    assert detect_language(text) == "other"
