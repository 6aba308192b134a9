"""Reply drafts, unsubscribe drafts and calendar events: files parsed back to check them."""

from __future__ import annotations

import email
import json
import threading
from collections.abc import Sequence
from datetime import timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest

from assistant import Sift
from assistant.actions.calendar import find_place
from assistant.actions.drafts import in_language
from assistant.actions.drafts import write_reply
from assistant.errors import UserError
from assistant.types import SignalKind
from assistant.types import SuggestionKind
from assistant.types import SuggestionState
from assistant.types import Verdict
from models.base import Generation
from models.base import ModelInfo
from models.fake import FakeGenerator
from tests.helpers.actions import offer
from tests.helpers.mail import make_mail
from tests.helpers.mail import write_mbox
from tests.helpers.network import record_connections

QUESTION = "Could you send me the revised budget by Friday? We need it for the review."
ZH_QUESTION = "王经理您好，请问下周一上午十点的会议您能参加吗？请尽快回复。"
MEETING = "The project meeting moves to Friday 3pm in room 4B. Agenda attached."


def ingest(sift: Sift, tmp_path: Path, subject: str, body: str, **kwargs: Any) -> int:
    mbox = write_mbox(tmp_path / "in.mbox", [make_mail(subject, body, **kwargs)])
    return sift.ingest([mbox], summarize=False)[0].id


def parse_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


def test_reply_draft_is_a_valid_eml_reply_and_undo_trashes_it(
    fake_sift: Sift, tmp_path: Path
) -> None:
    item_id = ingest(
        fake_sift,
        tmp_path,
        "Budget",
        QUESTION,
        message_id="q1@example.com",
        headers={"References": "<root@example.com>"},
    )
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.REPLY_DRAFT))
    path = Path(str(record.detail["path"]))
    assert path.parent == fake_sift.paths.drafts and path.suffix == ".eml"
    message = parse_eml(path)
    assert message["Subject"] == "Re: Budget"
    assert message["To"] == "Dana Lee <dana@example.com>"
    assert message["From"] == "alex.chen@example.com"
    assert message["In-Reply-To"] == "<q1@example.com>"
    assert message["References"] == "<root@example.com> <q1@example.com>"
    body = message.get_content().strip()
    assert body == str(record.detail["text"]).strip() and body
    verdicts = [f.verdict for f in fake_sift.store.feedback(item_id)]
    assert verdicts == [Verdict.ACCEPT, Verdict.DRAFT_AS_IS]
    fake_sift.undo(record.id)
    assert not path.exists()
    [entry] = fake_sift.trash()
    assert entry.original_path == str(path) and Path(entry.trash_path).is_file()


def test_edited_draft_is_used_and_recorded_as_feedback(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="q2@example.com")
    offered = offer(fake_sift, item_id, SuggestionKind.REPLY_DRAFT)
    shown = fake_sift.draft_text(offered)
    assert shown and fake_sift.draft_text(offered) == shown  # written once, kept
    edited = "Hi Dana,\n\nYes, you will have it on Thursday.\n\nAlex"
    record = fake_sift.accept_action(offered, edited_text=edited)
    assert parse_eml(Path(str(record.detail["path"]))).get_content().strip() == edited.strip()
    assert record.detail["edited"] is True
    [draft_feedback] = [
        f for f in fake_sift.store.feedback(item_id) if f.verdict == Verdict.DRAFT_EDITED
    ]
    assert draft_feedback.correction == edited


def test_previewed_draft_accepted_unchanged_counts_as_used_as_is(
    fake_sift: Sift, tmp_path: Path
) -> None:
    item_id = ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="q3@example.com")
    offered = offer(fake_sift, item_id, SuggestionKind.REPLY_DRAFT)
    shown = fake_sift.draft_text(offered)
    record = fake_sift.accept_action(offered, edited_text=shown)
    assert record.detail["edited"] is False
    assert Verdict.DRAFT_AS_IS in [f.verdict for f in fake_sift.store.feedback(item_id)]


def test_chinese_mail_gets_a_chinese_draft(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a Chinese mail WHEN a reply is drafted THEN the prompt and the draft are Chinese."""
    item_id = ingest(
        fake_sift, tmp_path, "会议", ZH_QUESTION, sender="王伟 <wang@example.cn>", message_id="z@x"
    )
    assert fake_sift.item(item_id).language == "zh"
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.REPLY_DRAFT))
    text = str(record.detail["text"])
    assert in_language(text, "zh")
    message = parse_eml(Path(str(record.detail["path"])))
    assert message["Subject"] == "Re: 会议" and in_language(message.get_content(), "zh")
    prompt = fake_sift.generator().calls[-1]  # type: ignore[union-attr]
    assert "中文" in prompt[0]["content"]


class Scripted:
    """A model that answers every prompt with one fixed reply."""

    info = ModelInfo(name="scripted", version="scripted@1", path="", backend="fake")
    context_length = 2048

    def __init__(self, reply: str) -> None:
        self.reply = reply

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def generate(self, messages: Sequence[dict[str, str]], **_: Any) -> Generation:
        del messages
        return Generation(json.dumps({"reply": self.reply}), 1, 1, 0.0, cancelled=False)

    def close(self) -> None:
        return None


def test_unusable_model_replies_fall_back_to_a_template(fake_sift: Sift, tmp_path: Path) -> None:
    """Wrong language, a refusal, a copy of the mail, or no model: the template, said so."""
    item_id = ingest(
        fake_sift, tmp_path, "会议", ZH_QUESTION, sender="王伟 <wang@example.cn>", message_id="z@x"
    )
    item = fake_sift.item(item_id)
    for reply in ("Thanks, I will attend the meeting.", ZH_QUESTION):
        text, by = write_reply(Scripted(reply), item)
        assert by.startswith("template") and in_language(text, "zh") and "王伟" in text
    text, by = write_reply(None, item)
    assert by == "template (no language model)" and "会议" in text
    english = fake_sift.item(ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="e@x"))
    _, by = write_reply(Scripted("I'm sorry, but I can't assist with that request."), english)
    assert by == "template (model gave no usable reply)"


def test_model_reply_is_used_with_the_greeting_to_the_sender(
    fake_sift: Sift, tmp_path: Path
) -> None:
    """GIVEN a model that greets the reader by mistake THEN the draft greets the sender."""
    item = fake_sift.item(ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="g@x"))
    reply = "Hi Alex, thanks for asking. I will send the revised budget on Thursday. [Your Name]"
    text, by = write_reply(Scripted(reply), item)
    assert by == "scripted@1"
    assert (
        text == "Hi Dana, thanks for asking. I will send the revised budget on Thursday. Alex Chen"
    )
    zh = fake_sift.item(
        ingest(
            fake_sift,
            tmp_path,
            "会议",
            ZH_QUESTION,
            sender="王伟 <wang@example.cn>",
            to="李娜 <li@x.cn>",
        )
    )
    text, by = write_reply(Scripted("李娜您好，收到，我会准时参加周一的会议。"), zh)
    assert by == "scripted@1" and text == "王伟您好，收到，我会准时参加周一的会议。"


def test_unsubscribe_mailto_becomes_a_draft_and_https_is_never_fetched(
    fake_sift: Sift, tmp_path: Path
) -> None:
    header = "<mailto:leave@list.example?subject=unsubscribe%20me>, <https://list.example/u?id=7>"
    item_id = ingest(
        fake_sift, tmp_path, "Weekly news", "This week in gardening.",
        headers={"List-Unsubscribe": header},
    )  # fmt: skip
    offered = offer(fake_sift, item_id, SuggestionKind.UNSUBSCRIBE, {"list_unsubscribe": header})
    with record_connections() as outside:
        record = fake_sift.accept_action(offered)
    assert outside == []
    message = parse_eml(Path(str(record.detail["path"])))
    assert message["To"] == "leave@list.example" and message["Subject"] == "unsubscribe me"
    assert record.detail["link"] == "https://list.example/u?id=7"
    assert "https://list.example/u?id=7" in record.summary
    fake_sift.undo(record.id)
    assert not Path(str(record.detail["path"])).exists()


def test_unsubscribe_https_only_is_shown_not_fetched(fake_sift: Sift, tmp_path: Path) -> None:
    header = "<https://list.example/unsubscribe?u=1>"
    item_id = ingest(
        fake_sift, tmp_path, "Deals", "Big sale.", headers={"List-Unsubscribe": header}
    )
    with record_connections() as outside:
        record = fake_sift.accept_action(
            offer(fake_sift, item_id, SuggestionKind.UNSUBSCRIBE, {"list_unsubscribe": header})
        )
    assert outside == [] and record.detail["path"] == ""
    assert record.detail["link"] == "https://list.example/unsubscribe?u=1"
    assert list(fake_sift.paths.drafts.glob("*")) == []
    assert fake_sift.undo(record.id).undone


def test_calendar_event_is_a_valid_ics_and_undo_trashes_it(fake_sift: Sift, tmp_path: Path) -> None:
    from icalendar import Calendar

    item_id = ingest(fake_sift, tmp_path, "Project meeting", MEETING)
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.CALENDAR_EVENT))
    path = Path(str(record.detail["path"]))
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    # Mail sent Friday 20 Nov 2026 09:30 UTC: "Friday 3pm" is the 27th at 15:00.
    assert (start.year, start.month, start.day, start.hour) == (2026, 11, 27, 15)
    assert event.decoded("dtend") - start == timedelta(hours=1)
    assert str(event["summary"]) == "Project meeting" and str(event["location"]) == "room 4B"
    fake_sift.undo(record.id)
    assert not path.exists()


ALL_HANDS = (
    "Please join us for the Q4 All-Hands on Wed Dec 2.\n"
    "When: Wednesday, December 2, 2026, 10:00 - 11:30 AM PST\n"
    "Where: Main Atrium, Building A\n"
)


@pytest.mark.parametrize(
    ("subject", "body", "start", "end", "place"),
    [
        ("Q4 All-Hands", ALL_HANDS, "2026-12-02T10:00:00", "2026-12-02T11:30:00",
         "Main Atrium, Building A"),
        ("培训通知", "11月26日（周四）举行信息安全培训，时间：11月26日（周四）09:30，"
         "地点：三楼大会议室。",
         "2026-11-26T09:30:00", "2026-11-26T10:30:00", "三楼大会议室"),
        ("Offsite", "The team offsite is on December 9. Details to follow.", "2026-12-09", None,
         ""),
    ],
)  # fmt: skip
def test_event_times_gather_the_days_stated_times(
    fake_sift: Sift,
    tmp_path: Path,
    subject: str,
    body: str,
    start: str,
    end: str | None,
    place: str,
) -> None:
    from icalendar import Calendar

    item_id = ingest(fake_sift, tmp_path, subject, body)
    record = fake_sift.accept_action(offer(fake_sift, item_id, SuggestionKind.CALENDAR_EVENT))
    [event] = Calendar.from_ical(Path(str(record.detail["path"])).read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == start
    if end is None:
        assert record.detail["all_day"] is True
    else:
        assert event.decoded("dtend").isoformat() == end
    assert str(event.get("location", "")) == place


def test_calendar_event_without_a_date_fails_cleanly(fake_sift: Sift, tmp_path: Path) -> None:
    item_id = ingest(fake_sift, tmp_path, "Catch up", "We should meet some time.")
    offered = offer(fake_sift, item_id, SuggestionKind.CALENDAR_EVENT)
    with pytest.raises(UserError, match="no date"):
        fake_sift.accept(offered)
    assert fake_sift.store.suggestion(offered).state == SuggestionState.OPEN
    assert fake_sift.actions() == [] and fake_sift.store.feedback(item_id) == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Meeting on Friday in room 4B.", "room 4B"),
        ("Kick-off\nLocation: Hotel Adlon, Berlin\nBring slides", "Hotel Adlon, Berlin"),
        ("会议时间：周一上午十点，地点：三楼会议室。", "三楼会议室"),
        ("Lunch on Friday.", ""),
    ],
)
def test_place_is_taken_only_where_the_text_states_it(text: str, place: str) -> None:
    assert find_place(text) == place


def test_crafted_unsubscribe_header_cannot_inject_headers(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a mailto whose subject holds CR LF WHEN accepted THEN one Subject line, no Bcc."""
    header = "<mailto:leave@list.example?subject=hi%0D%0ABcc:x@evil.example&body=a%0D%0Ab>"
    item_id = ingest(
        fake_sift, tmp_path, "News", "Gardening.", headers={"List-Unsubscribe": header}
    )
    offered = offer(fake_sift, item_id, SuggestionKind.UNSUBSCRIBE, {"list_unsubscribe": header})
    record = fake_sift.accept_action(offered)
    message = parse_eml(Path(str(record.detail["path"])))
    assert message["Subject"] == "hi Bcc:x@evil.example"
    assert message["Bcc"] is None and message["To"] == "leave@list.example"


@pytest.mark.parametrize(
    "mailto",
    [
        "mailto:a@list.example,b@list.example",
        "mailto:not-an-address",
        "mailto:a@list.example%0D%0ABcc:x@evil.example",
    ],
)
def test_unsubscribe_needs_exactly_one_valid_address(
    fake_sift: Sift, tmp_path: Path, mailto: str
) -> None:
    header = f"<{mailto}>"
    item_id = ingest(
        fake_sift, tmp_path, "News", "Gardening.", headers={"List-Unsubscribe": header}
    )
    offered = offer(fake_sift, item_id, SuggestionKind.UNSUBSCRIBE, {"list_unsubscribe": header})
    with pytest.raises(UserError, match="address"):
        fake_sift.accept_action(offered)
    assert fake_sift.store.suggestion(offered).state == SuggestionState.OPEN
    assert not fake_sift.paths.drafts.exists() or list(fake_sift.paths.drafts.iterdir()) == []


@pytest.mark.parametrize(
    ("edited", "kind"),
    [(None, SignalKind.DRAFT_USED), ("Thanks, attached.", SignalKind.DRAFT_EDITED)],
)
def test_an_accepted_draft_is_an_implicit_signal_until_undone(
    fake_sift: Sift, tmp_path: Path, edited: str | None, kind: SignalKind
) -> None:
    item_id = ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="s@example.com")
    offered = offer(fake_sift, item_id, SuggestionKind.REPLY_DRAFT)
    record = fake_sift.accept_action(offered, edited_text=edited)
    assert [s.kind for s in fake_sift.signals(item_id)] == [kind]
    fake_sift.undo(record.id)
    assert fake_sift.signals(item_id) == []


def test_draft_preview_streams_and_can_be_cancelled(fake_sift: Sift, tmp_path: Path) -> None:
    """GIVEN a reply suggestion WHEN previewed with a cancel THEN nothing is kept; again: kept."""
    item_id = ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="c@example.com")
    offered = offer(fake_sift, item_id, SuggestionKind.REPLY_DRAFT)
    generator = fake_sift.generator()
    assert isinstance(generator, FakeGenerator)
    stop = threading.Event()
    pieces: list[str] = []

    def first_only(piece: str) -> None:
        pieces.append(piece)
        stop.set()

    stopped = fake_sift.draft_text(offered, on_token=first_only, cancel=stop)
    assert len(pieces) == 1 and stopped  # the template, so there is something to show
    assert "draft" not in fake_sift.store.suggestion(offered).payload
    streamed: list[str] = []
    text = fake_sift.draft_text(offered, on_token=streamed.append)
    assert len(streamed) > 1 and json.loads("".join(streamed), strict=False)["reply"]
    assert fake_sift.store.suggestion(offered).payload["draft"] == text
    calls = len(generator.calls)
    record = fake_sift.accept_action(offered)  # the preview is used: no model call in accept
    assert len(generator.calls) == calls and record.detail["text"] == text


def test_accept_returns_the_suggestion_and_its_action_is_the_newest_logged(
    fake_sift: Sift, tmp_path: Path
) -> None:
    item_id = ingest(fake_sift, tmp_path, "Budget", QUESTION, message_id="n@example.com")
    offered = offer(fake_sift, item_id, SuggestionKind.READ_LATER)
    suggestion = fake_sift.accept(offered)
    assert suggestion.id == offered and suggestion.state == SuggestionState.ACCEPTED
    [record] = fake_sift.actions(limit=1)
    assert record.suggestion_id == offered and record.kind == SuggestionKind.READ_LATER
