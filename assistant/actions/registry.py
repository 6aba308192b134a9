"""Which handler carries out which suggestion kind; accept, log and undo.

``Actions.accept`` runs in three steps: the handler's ``prepare`` (slow work
such as the LLM, no side effects, no transaction held), then one write
transaction holding the verdict (``Learner.accept``: suggestion state and
feedback row, as before actions existed), the action itself and its log entry.
If anything in that transaction fails, the database rolls back, and a file
the action had already moved or written is put back, so a failed action leaves
the suggestion open and nothing half-done.

``Actions.undo`` reverses the given (or latest) action, marks it undone and
opens its suggestion again; undoing twice is a clear error, and a world that
changed since (the file moved again, the old place taken) is refused without
touching anything.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from assistant.actions.base import Context
from assistant.actions.base import Done
from assistant.actions.base import Handler
from assistant.actions.base import Request
from assistant.actions.base import move_back
from assistant.actions.calendar import CalendarEvent
from assistant.actions.drafts import ReplyDraft
from assistant.actions.drafts import Unsubscribe
from assistant.actions.drafts import write_reply
from assistant.actions.folders import refresh_open_suggestions
from assistant.actions.moves import FileInto
from assistant.actions.moves import Rename
from assistant.actions.records import FollowUp
from assistant.actions.records import Junk
from assistant.actions.records import ReadLater
from assistant.actions.records import RecordBill
from assistant.errors import UserError
from assistant.learning import Learner
from assistant.types import ActionRecord
from assistant.types import SuggestionKind
from assistant.types import SuggestionState

if TYPE_CHECKING:
    from assistant.engine import Sift

log = logging.getLogger(__name__)

HANDLERS: dict[SuggestionKind, Handler] = {
    kind: handler
    for handler in (
        FileInto(),
        Rename(),
        ReplyDraft(),
        Unsubscribe(),
        CalendarEvent(),
        FollowUp(),
        RecordBill(),
        ReadLater(),
        Junk(),
    )
    for kind in handler.kinds
}


def _compensate(done: Done) -> None:
    """Put back what a performed action did on disk after its transaction failed."""
    detail: dict[str, Any] = done.detail
    try:
        if detail.get("mode") in {"maildir", "eml", "document"} and detail["to"] != detail["from"]:
            move_back(Path(str(detail["to"])), Path(str(detail["from"])))
        elif detail.get("path"):
            Path(str(detail["path"])).unlink(missing_ok=True)  # a file Sift just wrote
    except (OSError, UserError):
        log.exception("could not put back what a failed action did: %s", detail)


class Actions:
    """Carry out accepted suggestions and undo them, for one ``Sift``."""

    def __init__(self, sift: Sift) -> None:
        self._sift = sift
        self._context = Context(sift)

    def accept(self, suggestion_id: int, *, edited_text: str | None = None) -> ActionRecord:
        """Accept a suggestion and carry out its action; returns the logged action.

        Raises:
            UserError: the suggestion is decided already, or the action failed
                (the suggestion stays open and nothing is recorded).
        """
        context = self._context
        store = context.store
        suggestion = store.suggestion(suggestion_id)
        if suggestion.state != SuggestionState.OPEN:
            raise UserError(f"suggestion {suggestion_id} was {suggestion.state} already")
        handler = HANDLERS.get(suggestion.kind)
        if handler is None:
            raise UserError(f"no action for {suggestion.kind} suggestions")
        request = Request(store.item(suggestion.item_id), suggestion, edited_text)
        request = dataclasses.replace(request, prepared=handler.prepare(context, request))
        done: Done | None = None
        try:
            with store.atomic():
                Learner(self._sift).accept(suggestion_id)
                request = dataclasses.replace(request, item=store.item(suggestion.item_id))
                done = handler.perform(context, request)
                action_id = context.actions.add_action(
                    kind=suggestion.kind,
                    item_id=suggestion.item_id,
                    suggestion_id=suggestion_id,
                    summary=done.summary,
                    detail=done.detail,
                )
        except BaseException as error:
            if done is not None:
                _compensate(done)
            if isinstance(error, OSError):
                raise UserError(f"could not {suggestion.kind}: {error}") from error
            raise
        if suggestion.kind == SuggestionKind.FILE_INTO:
            refresh_open_suggestions(context)
        return context.actions.action(action_id)

    def undo(self, action_id: int | None = None) -> ActionRecord:
        """Undo one action (the latest not undone by default); returns it, marked undone."""
        actions = self._context.actions
        record = actions.action(action_id) if action_id is not None else actions.latest_open()
        if record is None:
            raise UserError("nothing to undo")
        if record.undone:
            raise UserError(f"action {record.id} was undone already ({record.undone_at})")
        handler = HANDLERS[record.kind]
        try:
            with self._context.store.atomic():
                note = handler.undo(self._context, record)
                actions.mark_undone(record.id, note=note)
                if record.suggestion_id is not None:
                    actions.reopen_suggestion(record.suggestion_id)
        except OSError as error:
            raise UserError(f"could not undo action {record.id}: {error}") from error
        if record.kind == SuggestionKind.FILE_INTO:
            refresh_open_suggestions(self._context)
        return actions.action(record.id)

    def draft_text(self, suggestion_id: int) -> str:
        """A reply suggestion's draft, written once and kept, to show and edit before Accept."""
        store = self._context.store
        suggestion = store.suggestion(suggestion_id)
        if suggestion.kind != SuggestionKind.REPLY_DRAFT:
            raise UserError(f"suggestion {suggestion_id} is {suggestion.kind}, not a reply draft")
        if suggestion.payload.get("draft"):
            return suggestion.payload["draft"]
        text, written_by = write_reply(self._sift.generator(), store.item(suggestion.item_id))
        self._context.actions.update_suggestion(
            suggestion_id, payload={**suggestion.payload, "draft": text, "written_by": written_by}
        )
        return text
