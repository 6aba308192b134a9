"""Summaries: language-specific prompts, schema parsing, fallback, streaming, cancel."""

from __future__ import annotations

import threading

from assistant.summarize import SCHEMA
from assistant.summarize import Summarizer
from assistant.summarize import build_messages
from assistant.summarize import extractive_summary
from assistant.summarize import parse_summary
from assistant.types import ItemKind
from models.fake import FakeGenerator


def test_chinese_items_get_a_chinese_prompt() -> None:
    messages = build_messages("会议", "明天开会。", kind=ItemKind.MAIL, language="zh")
    assert "中文" in messages[0]["content"]
    assert "<<<" in messages[1]["content"]
    english = build_messages("Hi", "Hello.", kind=ItemKind.MAIL, language="en")
    assert "English" in english[0]["content"]


def test_schema_bounds_every_string() -> None:
    props = SCHEMA["properties"]
    assert props["summary"]["maxLength"] <= 200
    assert props["key_points"]["items"]["maxLength"] <= 120
    from assistant.prompts import schema_for

    assert schema_for("zh")["properties"]["summary"]["maxLength"] <= 40
    assert schema_for("zh")["properties"]["key_points"] == props["key_points"]
    assert schema_for("en") is SCHEMA


def test_parse_summary_rejects_garbage() -> None:
    assert parse_summary("not json", "v") is None
    assert parse_summary('{"summary": ""}', "v") is None
    summary = parse_summary('{"summary": "Pay by Friday", "key_points": ["a", 3]}', "v")
    assert summary is not None and summary.key_points == ("a", "3")


def test_model_failure_falls_back_to_labelled_extractive_summary() -> None:
    summarizer = Summarizer(FakeGenerator(fail=RuntimeError("boom")))
    summary = summarizer.summarize(
        "T", "First sentence. Second one.", kind=ItemKind.MAIL, language="en"
    )
    assert summary.extractive
    assert summary.one_line == "First sentence."
    assert "boom" in summary.model_version


def test_missing_model_falls_back() -> None:
    summary = Summarizer(None, unavailable_reason="model file missing").summarize(
        "T", "Only sentence.", kind=ItemKind.DOCUMENT, language="en"
    )
    assert summary.extractive and "model file missing" in summary.model_version


def test_tokens_stream_and_generation_can_be_cancelled() -> None:
    pieces: list[str] = []
    summarizer = Summarizer(FakeGenerator())
    summary = summarizer.summarize(
        "T", "Alpha beta gamma. Delta.", kind=ItemKind.MAIL, language="en", on_token=pieces.append
    )
    assert not summary.extractive
    assert "".join(pieces).startswith("{")
    cancel = threading.Event()
    cancel.set()
    cancelled = summarizer.summarize(
        "T", "Alpha beta gamma.", kind=ItemKind.MAIL, language="en", cancel=cancel
    )
    assert cancelled.extractive and "cancelled" in cancelled.model_version


def test_extractive_summary_of_empty_text_uses_title() -> None:
    assert extractive_summary("Title", "").one_line == "Title"


def test_invented_numbers_are_caught() -> None:
    from assistant.grounding import grounded
    from assistant.grounding import unsupported_numbers
    from assistant.types import Summary

    source = "Invoice 2041: $1,250.00 due on 5 December at 10:30."
    assert unsupported_numbers("Pay $1250.00 by December 5.", source) == []
    assert unsupported_numbers("Pay $1,350.00 by December 5.", source) == ["1,350.00"]
    summary = Summary("Pay invoice 2041", key_points=("Due 5 December", "Due 9 December"))
    checked = grounded(summary, source)
    assert checked is not None and checked.key_points == ("Due 5 December",)
    assert grounded(Summary("Pay $999 now"), source) is None


def test_a_one_line_summary_that_copies_the_title_gives_way_to_a_fact() -> None:
    from assistant.summarize import beyond_title
    from assistant.types import Summary

    copied = Summary("Q1 hiring plan - review by Wednesday", key_points=("Two engineers", "Budget"))
    better = beyond_title(copied, "Q1 hiring plan - can you review by Wednesday?")
    assert better.one_line == "Two engineers" and better.key_points == ("Budget",)
    echoed = beyond_title(Summary("邮件标题：天冷了，多穿衣服"), "天气提醒")
    assert echoed.one_line == "天冷了，多穿衣服"
    own = Summary("Design review moved to Thursday", key_points=("Room 4B",))
    assert beyond_title(own, "Invitation: Design review") == own
    assert beyond_title(own, "") == own
