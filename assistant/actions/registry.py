"""Which handler carries out which suggestion kind; accept, log and undo.

``Actions.accept`` runs in three steps: the handler's ``prepare`` (slow work
such as the LLM, no side effects, no transaction held), then one write
transaction holding the verdict (``Learner.accept``: suggestion state and
feedback row, as before actions existed), the action itself and its log entry.
If anything in that transaction fails, the database rolls back, and every
disk step the handler registered (``Context.on_failure``) is put back, newest
first, so a failed action leaves the suggestion open and nothing half-done.

``Actions.undo`` reverses the given (or latest) action, marks it undone and
opens its suggestion again; undoing twice is a clear error, and a world that
changed since (the file moved again, the old place taken) is refused without
touching anything. An undo whose transaction fails after its disk step is
put back the same way (the file moved forward again, a trashed file taken out
of the trash), so the database and the disk always agree.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.actions.base import Context
from assistant.actions.base import Handler
from assistant.actions.base import Request
from assistant.actions.calendar import CalendarEvent
from assistant.actions.drafts import CANCELLED
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
from assistant.types import Verdict

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


def _compensate(context: Context) -> None:
    """Put back, newest first, the disk steps of a transaction that failed."""
    steps, context.compensations = context.compensations, []
    for inverse in reversed(steps):
        try:
            inverse()
        except Exception:
            log.exception("could not put back a disk step of a failed action")


def _void_accept(context: Context, record: ActionRecord) -> None:
    """Record that the accept behind an undone action no longer stands (see ``Verdict.UNDONE``).

    Monitoring and read next pair it with that accept and count neither.
    """
    suggestion = context.store.suggestion(int(str(record.suggestion_id)))
    item = context.store.item(record.item_id)
    context.store.add_feedback(
        item_id=record.item_id,
        suggestion_id=suggestion.id,
        verdict=Verdict.UNDONE,
        model_version=suggestion.model_version,
        input_hash=item.content_hash,
    )


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
        context.compensations = []
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
            _compensate(context)
            if isinstance(error, OSError):
                raise UserError(f"could not {suggestion.kind}: {error}") from error
            raise
        context.compensations = []
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
        self._context.compensations = []
        try:
            with self._context.store.atomic():
                note = handler.undo(self._context, record)
                actions.mark_undone(record.id, note=note)
                if record.suggestion_id is not None:
                    actions.reopen_suggestion(record.suggestion_id)
                    _void_accept(self._context, record)
        except BaseException as error:
            # The rows roll back; the file goes forward again (or out of the trash).
            _compensate(self._context)
            if isinstance(error, OSError):
                raise UserError(f"could not undo action {record.id}: {error}") from error
            raise
        self._context.compensations = []
        if record.kind == SuggestionKind.FILE_INTO:
            refresh_open_suggestions(self._context)
        return actions.action(record.id)

    def draft_text(
        self,
        suggestion_id: int,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> str:
        """A reply suggestion's draft, written once and kept, to show and edit before Accept.

        ``on_token`` and ``cancel`` go to the model (see ``write_reply``). A
        cancelled run returns the template and keeps nothing, so the next
        call asks the model again.
        """
        store = self._context.store
        suggestion = store.suggestion(suggestion_id)
        if suggestion.kind != SuggestionKind.REPLY_DRAFT:
            raise UserError(f"suggestion {suggestion_id} is {suggestion.kind}, not a reply draft")
        if suggestion.payload.get("draft"):
            return suggestion.payload["draft"]
        text, written_by = write_reply(
            self._sift.reply_writer(),
            store.item(suggestion.item_id),
            on_token=on_token,
            cancel=cancel,
        )
        if written_by == CANCELLED:
            return text
        self._context.actions.update_suggestion(
            suggestion_id, payload={**suggestion.payload, "draft": text, "written_by": written_by}
        )
        return text
