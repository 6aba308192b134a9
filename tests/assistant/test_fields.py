"""Deterministic fields: dates resolved against the mail's Date, amounts, people, requests."""

from __future__ import annotations

from assistant.fields import Fields
from assistant.fields import extract_fields

EN = (
    "Hi Alex, the budget review is on Thursday at 10am in room 4B. "
    "Please send me the Q2 figures by Wednesday noon. Invoice total: $1,250.00 "
    "from Harbor Credit Union. Thanks, Priya"
)
HEADERS = {
    "date": "2026-11-20T09:00:00+00:00",  # a Friday
    "from": "Priya Shah <priya@example.com>",
    "to": "Alex Chen <alex@example.com>",
}


def test_english_dates_deadlines_amounts_people() -> None:
    fields = extract_fields("Budget review", EN, HEADERS, language="en")
    by_text = {d.text: d for d in fields.dates}
    assert by_text["by Wednesday noon"].when == "2026-11-25T12:00:00"
    assert by_text["by Wednesday noon"].deadline
    assert fields.amounts[0].value == 1250.0 and fields.amounts[0].currency == "USD"
    assert fields.people[:2] == ("Priya Shah", "Alex Chen")
    assert "Harbor Credit Union" in fields.organisations
    assert fields.requests == ("Please send me the Q2 figures by Wednesday noon.",)


def test_chinese_relative_and_absolute_dates() -> None:
    text = (
        "王经理您好：下周一上午十点开评审会。"
        "请在11月26日（周四）15:00之前提交报告。金额 1,280.00元。"
    )
    fields = extract_fields("评审会", text, {"date": "2026-11-20T09:00:00+08:00"}, language="zh")
    whens = {d.text: d for d in fields.dates}
    assert whens["下周一上午十点"].when == "2026-11-23T10:00:00"
    assert whens["11月26日（周四）15:00"].when == "2026-11-26T15:00:00"
    assert whens["11月26日（周四）15:00"].deadline
    assert fields.amounts[0].currency == "CNY"
    assert "王经理" in fields.people


def test_round_trip_json() -> None:
    fields = extract_fields("Budget review", EN, HEADERS, language="en")
    assert Fields.from_json(fields.as_json()) == fields


def test_requests_questions_proposals_and_imperatives_are_asks() -> None:
    from assistant.fields import is_request

    asks = [
        "Could you review the draft before Friday",
        "Let's schedule a call next week.",
        "How about lunch today?",
        "Send me the signed copy when you can.",
        "Tim, call me when you land.",
        "We need to discuss the Q3 numbers.",
        "请在周五前回复。",
        "你明天有空吗",
    ]
    not_asks = [
        "The meeting went well and the numbers are final.",
        "If you have any questions, please contact us at support@example.com.",
        "See you on Monday.",
        "They are sending me a brochure.",
    ]
    assert [s for s in asks if not is_request(s)] == []
    assert [s for s in not_asks if is_request(s)] == []


def test_suggestions_read_requests_dates_and_amounts_from_fields() -> None:
    from assistant.suggest import suggest
    from assistant.types import ItemKind
    from assistant.types import JunkVerdict
    from assistant.types import Prediction
    from assistant.types import SuggestionKind

    unsure = Prediction(None, 0.2, {}, (), "t")
    clean = JunkVerdict(is_junk=False, probability=0.1, clues=(), model_version="t")
    text = "Could you pay the invoice by Friday? The total is $40."
    fields = extract_fields("Invoice", text, HEADERS, language="en")

    def kinds(found: Fields | None, label: Prediction = unsure) -> set[SuggestionKind]:
        drafts = suggest(
            kind=ItemKind.MAIL, title="Invoice", text=text, metadata=HEADERS,
            category=label, junk=clean, fields=found,
        )  # fmt: skip
        return {d.kind for d in drafts}

    assert SuggestionKind.REPLY_DRAFT in kinds(fields)
    assert SuggestionKind.REPLY_DRAFT not in kinds(Fields())  # the text alone is not read again
    finance = Prediction("finance", 0.9, {}, (), "t")
    bill = suggest(
        kind=ItemKind.MAIL, title="Invoice", text=text, metadata=HEADERS,
        category=finance, junk=clean, fields=fields,
    )  # fmt: skip
    record = next(d for d in bill if d.kind == SuggestionKind.RECORD_BILL)
    assert record.payload["amount"] == "$40" and record.payload["due"].startswith("2026-11-27")
