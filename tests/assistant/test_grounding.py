"""The cross-check of LLM summaries: numbers, dates and names against text and fields."""

from __future__ import annotations

from assistant.fields import Fields
from assistant.fields import FoundDate
from assistant.grounding import grounded
from assistant.grounding import known_date_keys
from assistant.grounding import known_name_stems
from assistant.grounding import unsupported_dates
from assistant.grounding import unsupported_names
from assistant.types import Summary

SOURCE = (
    "Hi Alex, the budget review moves to Thursday 14 May at 10:00 in room 4B. "
    "Please send me the Q2 figures by Wednesday noon. Thanks, Priya"
)


def test_dates_must_be_in_the_text() -> None:
    known = known_date_keys(SOURCE)
    assert unsupported_dates("Review on Thu, May 14", known) == []
    assert unsupported_dates("Review moved to Friday", known) == ["Friday"]
    assert unsupported_dates("Figures due tomorrow", known) == ["tomorrow"]
    # "may" as a verb is not a month.
    assert unsupported_dates("You may send the figures", known_date_keys("no date")) == []


def test_chinese_weekdays_and_relative_days_are_checked() -> None:
    known = known_date_keys("下周一上午十点在三楼会议室开会")
    assert unsupported_dates("星期一开会", known) == []
    assert unsupported_dates("周三开会", known) == ["周三"]
    assert unsupported_dates("明天开会", known) == ["明天"]


def test_field_dates_support_the_weekday_the_extractor_computed() -> None:
    source = "The invoice is due on 5 December."
    fields = Fields(dates=(FoundDate("5 December", "2025-12-05T09:00:00", deadline=True),))
    assert unsupported_dates("Due Friday", known_date_keys(source)) == ["Friday"]
    assert unsupported_dates("Due Friday", known_date_keys(source, fields)) == []


def test_names_must_be_in_the_text_or_the_fields() -> None:
    known = known_name_stems(SOURCE)
    assert unsupported_names("Priya asks Alex for the Q2 figures", known) == []
    assert unsupported_names("Budget Review Moved", known) == []
    assert unsupported_names("Alex meets Jonathan about figures", known) == ["Jonathan"]
    # A lone capitalised word opening a sentence is grammar, not a name.
    assert unsupported_names("Confirm the figures. Deliver them.", known) == []
    assert unsupported_names("Send figures to Maria Lopez", known) == ["Maria", "Lopez"]
    # A sender known only from the headers (a deterministic field) is supported.
    with_fields = known_name_stems(SOURCE, ("Maria Lopez",))
    assert unsupported_names("Send figures to Maria Lopez", with_fields) == []


def test_points_with_unsupported_details_are_dropped_and_noted() -> None:
    summary = Summary(
        "Budget review moved",
        key_points=("Review on Thursday 14 May", "Review on Friday", "Led by Jonathan Smith"),
        action_items=("Send the Q2 figures by Wednesday", "Pay $500"),
    )
    checked = grounded(summary, SOURCE)
    assert checked is not None
    assert checked.key_points == ("Review on Thursday 14 May",)
    assert checked.action_items == ("Send the Q2 figures by Wednesday",)
    assert checked.notes == ("dropped 3 point(s) naming a figure, date or name not in the text",)


def test_one_line_with_a_wrong_date_is_rejected_and_a_strange_name_flagged() -> None:
    assert grounded(Summary("Budget review moved to Friday"), SOURCE) is None
    flagged = grounded(Summary("Budget review with Jonathan"), SOURCE)
    assert flagged is not None and flagged.one_line == "Budget review with Jonathan"
    assert flagged.notes == ("not found in the text: Jonathan",)
    people = Fields(people=("Jonathan Reyes",))
    assert grounded(Summary("Budget review with Jonathan"), SOURCE, people).notes == ()
