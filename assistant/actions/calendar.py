"""Calendar events: an .ics file (icalendar) from the item's date, time and place.

The date comes from the deterministic fields (``fields.dates``, resolved
against the mail's own Date), never from the LLM. The place is taken from the
text where it is stated plainly ("in room 4B", "Location: …", "地点：…");
without one the event has no location rather than a guessed one. A date with
no time of day becomes an all-day event. Events go to the data folder's
``events/``; importing them into a calendar program is the user's step.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from assistant.actions.base import Context
from assistant.actions.base import Done
from assistant.actions.base import Request
from assistant.actions.base import Simple
from assistant.actions.base import free_path
from assistant.actions.drafts import trash_written
from assistant.errors import UserError
from assistant.naming import sanitize_name
from assistant.types import ActionRecord
from assistant.types import Item
from assistant.types import SuggestionKind

DURATION = timedelta(hours=1)  # when no end time is stated
MAX_LENGTH = timedelta(hours=12)  # a later time the same day further off is not the end
_TIME = re.compile(
    r"\d{1,2}:\d{2}|\b\d{1,2}\s?(?:am|pm)\b|\bnoon\b|\d{1,2}点|[上下]午[一二三四五六七八九十\d]",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"|\btoday\b|\btomorrow\b|\d{4}-\d{2}-\d{2}|月|周|星期|今天|明天|后天",
    re.IGNORECASE,
)
_PLACE = (
    re.compile(r"(?:^|\n)\s*(?:location|where|venue|place)\s*:\s*([^\n]{2,80})", re.IGNORECASE),
    re.compile(r"(?:地点|地址|会议室)\s*[:：]\s*([^\n，。,;；]{1,40})"),
    re.compile(
        r"\b(?:in|at)\s+((?:the\s+)?(?:room|conference room|meeting room|building|office|"
        r"floor|hall|suite)\s+[\w-]+)",
        re.IGNORECASE,
    ),
    re.compile(r"在\s*([\u4e00-\u9fff\w-]{1,20}?(?:会议室|室|楼|厅|馆|中心|酒店))"),
)


def find_place(text: str) -> str:
    """The place stated in the text, or an empty string."""
    for pattern in _PLACE:
        match = pattern.search(text[:4000])
        if match:
            return match.group(1).strip().rstrip(".,;")
    return ""


def _has_time(text: str) -> bool:
    return bool(_TIME.search(text))


def event_times(item: Item, payload: dict[str, str]) -> tuple[datetime, datetime | None]:
    """``(start, end)`` from the suggestion or the item's fields; ``end`` None: all day.

    The first date found often has no time ("Wed Dec 2") while a later line
    gives it ("When: December 2, 10:00 - 11:30"); times stated for the same
    day are gathered, the first becomes the start and the next one the end.
    A day with no stated time is an all-day event (Chinese dates without an
    hour resolve to 09:00, which is not a time anyone wrote).
    """
    dates = item.fields.dates if item.fields is not None else ()
    when, when_text = payload.get("when", ""), payload.get("when_text", "")
    if not when and dates:
        chosen = next((d for d in dates if not d.deadline), dates[0])
        when, when_text = chosen.when, chosen.text
    if not when:
        raise UserError(f"item {item.id} states no date; there is nothing to put in a calendar")
    try:
        start = datetime.fromisoformat(when).replace(tzinfo=None)
    except ValueError as error:
        raise UserError(f"item {item.id}: cannot read the date {when!r}") from error
    day = start.date()
    times: set[datetime] = {start} if _has_time(when_text) else set()
    for found in dates:
        if not _has_time(found.text):
            continue
        try:
            moment = datetime.fromisoformat(found.when).replace(tzinfo=None)
        except ValueError:
            continue
        if moment.date() == day or not _DAY_WORD.search(found.text):  # a bare time: that day
            times.add(datetime.combine(day, moment.time()))
    if not times:
        return datetime.combine(day, datetime.min.time()), None
    ordered = sorted(times)
    first = start if start in times else ordered[0]
    later = [t for t in ordered if first < t <= first + MAX_LENGTH]
    return first, later[0] if later else first + DURATION


def build_ics(item: Item, start: datetime, end: datetime | None, *, place: str) -> bytes:
    """One VEVENT in a VCALENDAR, as bytes."""
    from icalendar import Calendar  # noqa: PLC0415 - only when an event is written
    from icalendar import Event  # noqa: PLC0415

    calendar = Calendar()
    calendar.add("prodid", "-//Sift//local assistant//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{uuid.uuid4()}@sift.invalid")
    event.add("dtstamp", datetime.now(UTC))
    if end is None:  # all day
        day: date = start.date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        event.add("dtstart", start)
        event.add("dtend", end)
    event.add("summary", item.title or "Event")
    if place:
        event.add("location", place)
    sender = item.metadata.get("from", "")
    lines = [item.summary_text or item.text[:300], f"From: {sender}" if sender else ""]
    event.add("description", "\n".join(line for line in lines if line))
    calendar.add_component(event)
    return calendar.to_ical()


class CalendarEvent(Simple):
    """Write an .ics event for a meeting mail."""

    kinds = (SuggestionKind.CALENDAR_EVENT,)

    def perform(self, context: Context, request: Request) -> Done:
        item = request.item
        start, end = event_times(item, request.suggestion.payload)
        place = find_place(f"{item.title}\n{item.text}")
        data = build_ics(item, start, end, place=place)
        folder: Path = context.paths.events
        name = sanitize_name(f"{start:%Y-%m-%d} {item.title}"[:100] + ".ics")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = free_path(folder / name)
            with path.open("xb") as handle:
                handle.write(data)
        except OSError as error:
            raise UserError(f"cannot write the event: {error.strerror or error}") from error
        context.on_failure(lambda: path.unlink(missing_ok=True))  # a file Sift just wrote
        at = f"{start:%Y-%m-%d}" if end is None else f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
        where = f" at {place}" if place else ""
        return Done(
            f"calendar event on {at}{where} saved as {path}",
            {
                "path": str(path),
                "start": start.isoformat(),
                "end": end.isoformat() if end else None,
                "all_day": end is None,
                "place": place,
            },
        )

    def undo(self, context: Context, record: ActionRecord) -> str:
        return trash_written(context, record.detail.get("path"), what="calendar event")
