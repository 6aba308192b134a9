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
from typing import Any

from assistant.actions.base import Context
from assistant.actions.base import Done
from assistant.actions.base import Request
from assistant.actions.base import free_path
from assistant.actions.base import sanitize_name
from assistant.actions.drafts import trash_written
from assistant.errors import UserError
from assistant.types import ActionRecord
from assistant.types import Item
from assistant.types import SuggestionKind

DURATION = timedelta(hours=1)
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


def event_start(item: Item, payload: dict[str, str]) -> tuple[datetime, bool]:
    """``(start, all_day)`` from the suggestion or the item's fields."""
    when = payload.get("when", "")
    if not when and item.fields is not None:
        dated = [d for d in item.fields.dates if not d.deadline] or list(item.fields.dates)
        when = dated[0].when if dated else ""
    if not when:
        raise UserError(f"item {item.id} states no date; there is nothing to put in a calendar")
    try:
        start = datetime.fromisoformat(when)
    except ValueError as error:
        raise UserError(f"item {item.id}: cannot read the date {when!r}") from error
    return start, start.hour == 0 and start.minute == 0


def build_ics(item: Item, start: datetime, *, all_day: bool, place: str) -> bytes:
    """One VEVENT in a VCALENDAR, as bytes."""
    from icalendar import Calendar  # noqa: PLC0415 - only when an event is written
    from icalendar import Event  # noqa: PLC0415

    calendar = Calendar()
    calendar.add("prodid", "-//Sift//local assistant//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{uuid.uuid4()}@sift.invalid")
    event.add("dtstamp", datetime.now(UTC))
    if all_day:
        day: date = start.date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
    event.add("summary", item.title or "Event")
    if place:
        event.add("location", place)
    sender = item.metadata.get("from", "")
    lines = [item.summary_text or item.text[:300], f"From: {sender}" if sender else ""]
    event.add("description", "\n".join(line for line in lines if line))
    calendar.add_component(event)
    return calendar.to_ical()


class CalendarEvent:
    """Write an .ics event for a meeting mail."""

    kinds = (SuggestionKind.CALENDAR_EVENT,)

    def prepare(self, context: Context, request: Request) -> dict[str, Any]:
        del context, request
        return {}

    def perform(self, context: Context, request: Request) -> Done:
        item = request.item
        start, all_day = event_start(item, request.suggestion.payload)
        place = find_place(f"{item.title}\n{item.text}")
        data = build_ics(item, start, all_day=all_day, place=place)
        folder: Path = context.paths.events
        name = sanitize_name(f"{start:%Y-%m-%d} {item.title}"[:100] + ".ics")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = free_path(folder / name)
            with path.open("xb") as handle:
                handle.write(data)
        except OSError as error:
            raise UserError(f"cannot write the event: {error.strerror or error}") from error
        at = f"{start:%Y-%m-%d}" if all_day else f"{start:%Y-%m-%d %H:%M}"
        where = f" at {place}" if place else ""
        return Done(
            f"calendar event on {at}{where} saved as {path}",
            {"path": str(path), "start": start.isoformat(), "all_day": all_day, "place": place},
        )

    def undo(self, context: Context, record: ActionRecord) -> str:
        return trash_written(context, record.detail.get("path"), what="calendar event")
