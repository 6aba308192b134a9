"""What every action shares: the handler contract, its context and safe file moves.

The contract (each module of this package implements it for its kinds):

* ``prepare`` MAY be slow (it may call the LLM) and SHALL have no side
  effects; it runs before any transaction is opened.
* ``perform`` SHALL do the action and return a ``Done`` whose ``detail`` holds
  everything ``undo`` needs. It runs inside the accept's write transaction:
  database rows it writes roll back if anything later fails. It SHALL write
  the database first and touch the disk last, and register the inverse of
  every disk step with ``Context.on_failure`` the moment the step succeeded,
  so a failure anywhere later (in the handler or in the transaction's commit)
  puts the disk back as the rollback puts the rows back.
* ``undo`` SHALL check that the world is still as the action left it and raise
  ``UserError`` without changing anything when it is not (the user moved the
  file back already, the old place is taken). It runs inside the undo's
  transaction, under the same rule: database first, disk last, every disk
  step's inverse registered.

Sift never overwrites or deletes a user's file: moves pick a free name, and
what would be removed goes to Sift's trash (``assistant.actions.trash``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

from assistant.errors import UserError
from assistant.store_actions import ActionStore
from assistant.store_signals import SignalStore
from assistant.types import ActionRecord
from assistant.types import Item
from assistant.types import Suggestion
from assistant.types import SuggestionKind

if TYPE_CHECKING:
    from assistant.engine import Sift


@dataclass(frozen=True, slots=True)
class Done:
    """What ``perform`` did.

    Attributes:
        summary: one line for the user ("moved … to …").
        detail: JSON-ready values ``undo`` needs (paths, row ids, text).
    """

    summary: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Request:
    """One accept to carry out.

    Attributes:
        item: the item acted on.
        suggestion: the accepted suggestion.
        edited_text: the user's own version (a reply draft's text, a folder,
            a file name, a reminder date), or ``None``.
        prepared: what ``prepare`` produced.
    """

    item: Item
    suggestion: Suggestion
    edited_text: str | None = None
    prepared: dict[str, Any] = field(default_factory=dict)


class Context:
    """What handlers may use: the engine, its folders and the action tables.

    It also keeps the inverse of each disk step done in the current
    transaction (``on_failure``), for ``assistant.actions.registry`` to run
    when the transaction fails.
    """

    def __init__(self, sift: Sift) -> None:
        self.sift = sift
        self.store = sift.store
        self.actions = ActionStore(sift.store)
        self.paths = sift.paths
        self.compensations: list[Callable[[], object]] = []

    def on_failure(self, inverse: Callable[[], object]) -> None:
        """Register how to put back a disk step just done, should the transaction fail."""
        self.compensations.append(inverse)


class Handler(Protocol):
    """One family of actions (see the module docstring for the contract)."""

    @property
    def kinds(self) -> tuple[SuggestionKind, ...]:
        """The suggestion kinds this handler carries out."""
        ...

    def prepare(self, context: Context, request: Request) -> dict[str, Any]: ...

    def perform(self, context: Context, request: Request) -> Done: ...

    def undo(self, context: Context, record: ActionRecord) -> str: ...


class Simple:
    """A handler base whose ``prepare`` has nothing slow to do (most handlers)."""

    def prepare(self, context: Context, request: Request) -> dict[str, Any]:
        """Nothing to prepare."""
        del context, request
        return {}


def forget_signal(context: Context, record: ActionRecord) -> None:
    """Undo the implicit signal an action recorded (``detail["signal_id"]``), if any."""
    signal_id = record.detail.get("signal_id")
    if signal_id is not None:
        SignalStore(context.store).forget(int(str(signal_id)))


def free_path(target: Path) -> Path:
    """``target``, or ``name (2).ext``, ``name (3).ext``… : the first that does not exist."""
    if not target.exists():
        return target
    stem, suffix = target.stem, target.suffix
    for number in range(2, 10_000):
        candidate = target.with_name(f"{stem} ({number}){suffix}")
        if not candidate.exists():
            return candidate
    raise UserError(f"no free name for {target}")


def move_file(source: Path, target: Path) -> Path:
    """Move ``source`` to ``target`` or a free name beside it; never overwrites.

    Returns:
        Where the file is now.

    Raises:
        UserError: the source is missing, or the move is not permitted.
    """
    if not source.is_file():
        raise UserError(f"{source} is not there any more")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        destination = free_path(target)
        # A hard link then unlink never replaces an existing file (rename would, on POSIX);
        # across file systems, or where links are not supported, fall back to a checked move.
        try:
            os.link(source, destination)
        except OSError:
            if destination.exists():
                raise
            shutil.move(source, destination)
        else:
            source.unlink()
    except OSError as error:
        reason = error.strerror or error
        raise UserError(f"cannot move {source} to {target.parent}: {reason}") from error
    return destination


def move_back(current: Path, original: Path) -> None:
    """Undo a move: refuse when the file is gone or its old place is taken."""
    if not current.is_file():
        raise UserError(f"cannot undo: {current} is not there any more (moved or deleted since)")
    if original.exists():
        raise UserError(f"cannot undo: {original} exists again; nothing was changed")
    moved = move_file(current, original)
    if moved != original:  # a race: someone took the name between the check and the move
        raise UserError(f"cannot undo: {original} was taken; the file is at {moved}")
