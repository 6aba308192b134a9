"""Suggested actions from an item's category, junk verdict and content.

Each suggestion carries a one-line reason a person can check, a confidence
(the classifier's, so an unsure item gets tentative suggestions) and the
model version that led to it. Rules are plain data here; what the user
accepts and rejects is recorded and feeds the classifiers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from assistant.fields import Fields
from assistant.messages import say
from assistant.naming import content_name
from assistant.naming import uninformative
from assistant.types import ItemKind
from assistant.types import JunkVerdict
from assistant.types import Prediction
from assistant.types import SuggestionKind

NOT_JUNK_BELOW = 0.75  # junk verdicts less sure than this also offer "not junk"

FOLDERS = {
    "finance": "Finance",
    "invoice": "Documents/Invoices",
    "contract": "Documents/Contracts",
    "report": "Documents/Reports",
    "notes": "Documents/Notes",
    "letter": "Documents/Letters",
    "cv": "Documents/CVs",
    "article": "Documents/Reading",
    "recipe": "Documents/Recipes",
    "itinerary": "Documents/Travel",
}

# The actions that follow from a category alone: ``suggest`` offers them for it (below),
# so accepting one confirms the category the item had (monitoring's accuracy counts it).
# File-into follows from any category it is offered for (a document's type, finance mail).
FROM_CATEGORY: dict[SuggestionKind, frozenset[str]] = {
    SuggestionKind.REPLY_DRAFT: frozenset({"needs-reply"}),
    SuggestionKind.CALENDAR_EVENT: frozenset({"meeting"}),
    SuggestionKind.RECORD_BILL: frozenset({"finance"}),
    SuggestionKind.ARCHIVE: frozenset({"fyi", "promotion"}),
}


def confirms_category(kind: SuggestionKind | str | None, category: str | None) -> bool:
    """Whether accepting a ``kind`` suggestion confirms that the item is ``category``."""
    if not kind or not category or category == "unsure":
        return False
    if kind == SuggestionKind.FILE_INTO:
        return True
    return category in FROM_CATEGORY.get(SuggestionKind(kind), frozenset())


@dataclass(frozen=True, slots=True)
class Draft:
    """A suggestion before it is stored."""

    kind: SuggestionKind
    reason: str
    confidence: float
    payload: dict[str, str]

    def row(self, model_version: str) -> dict[str, Any]:
        """The store row for this suggestion."""
        return {
            "kind": str(self.kind),
            "reason": self.reason,
            "confidence": round(self.confidence, 4),
            "model_version": model_version,
            "payload": json.dumps(self.payload, ensure_ascii=False),
        }


def article(word: str) -> str:
    """``A`` or ``An`` for an English word."""
    return "An" if word[:1].lower() in "aeiou" else "A"


def suggest(
    *,
    kind: ItemKind,
    title: str,
    text: str,
    metadata: dict[str, str],
    category: Prediction,
    junk: JunkVerdict,
    fields: Fields | None = None,
    file_name: str = "",
    date: str = "",
) -> list[Draft]:
    """Suggested actions for one item, most useful first.

    ``fields`` (dates, amounts, requests; ``assistant.fields`` is the one place
    that finds them) fill the calendar, bill and follow-up payloads with
    resolved values; without them no date, amount or request is known.
    ``file_name`` and ``date`` (a document's own name and time) let a
    counter-named document (scan0001.pdf) get a rename suggestion.
    """
    if junk.is_junk:
        drafts = [
            Draft(
                SuggestionKind.MARK_JUNK,
                say("suggest.junk", p=junk.probability, clues=", ".join(junk.clues[:3])),
                junk.probability,
                {},
            )
        ]
        if junk.probability < NOT_JUNK_BELOW:
            drafts.append(
                Draft(
                    SuggestionKind.NOT_JUNK,
                    say("suggest.not_junk", p=junk.probability),
                    1 - junk.probability,
                    {},
                )
            )
        return drafts
    label = category.label
    confidence = category.confidence
    drafts: list[Draft] = []
    if kind == ItemKind.DOCUMENT:
        folder = FOLDERS.get(label or "", "Documents")
        if label:
            drafts.append(
                Draft(
                    SuggestionKind.FILE_INTO,
                    say(
                        "suggest.file_document", article=article(label), label=label, folder=folder
                    ),
                    confidence,
                    {"folder": folder},
                )
            )
        if file_name and uninformative(file_name):
            name = content_name(
                file_name=file_name, label=label, text=text, fields=fields, date=date
            )
            if name and name != file_name:
                drafts.append(
                    Draft(
                        SuggestionKind.RENAME,
                        say("suggest.rename", file_name=file_name, name=name),
                        max(confidence, 0.5),
                        {"name": name},
                    )
                )
        drafts.append(Draft(SuggestionKind.READ_LATER, say("suggest.unopened_document"), 0.5, {}))
        return drafts
    unsubscribe = metadata.get("list_unsubscribe", "")
    fields = fields or Fields()
    date_hint = fields.dates[0].text if fields.dates else ""
    when = fields.dates[0].when if fields.dates else ""
    deadlines = [d for d in fields.dates if d.deadline]
    due = deadlines[0].when if deadlines else ""
    amount = fields.amounts[0].text if fields.amounts else ""
    value = str(fields.amounts[0].value) if fields.amounts else ""
    currency = fields.amounts[0].currency if fields.amounts else ""
    sender = metadata.get("from", "the sender")
    replies = label in FROM_CATEGORY[SuggestionKind.REPLY_DRAFT]
    if replies or (label in {"personal", None} and fields.requests):
        drafts.append(
            Draft(
                SuggestionKind.REPLY_DRAFT,
                say("suggest.reply", sender=sender),
                confidence,
                {},
            )
        )
        drafts.append(
            Draft(
                SuggestionKind.FOLLOW_UP,
                say("suggest.follow_up"),
                confidence * 0.8,
                {"days": "2"},
            )
        )
    if label in FROM_CATEGORY[SuggestionKind.CALENDAR_EVENT]:
        drafts.append(
            Draft(
                SuggestionKind.CALENDAR_EVENT,
                say("suggest.meeting_when", when=date_hint)
                if date_hint
                else say("suggest.meeting"),
                confidence,
                {"when": when, "when_text": date_hint or ""},
            )
        )
    if label in FROM_CATEGORY[SuggestionKind.RECORD_BILL]:
        drafts.append(
            Draft(
                SuggestionKind.RECORD_BILL,
                say("suggest.bill_amount", amount=amount) if amount else say("suggest.bill"),
                confidence,
                {"amount": amount or "", "value": value, "currency": currency, "due": due},
            )
        )
        drafts.append(
            Draft(
                SuggestionKind.FILE_INTO,
                say("suggest.finance_file"),
                confidence * 0.9,
                {"folder": "Finance"},
            )
        )
    if label in {"newsletter", "promotion"}:
        if unsubscribe:
            drafts.append(
                Draft(
                    SuggestionKind.UNSUBSCRIBE,
                    say("suggest.unsubscribe", label=label),
                    confidence * 0.7,
                    {"list_unsubscribe": unsubscribe},
                )
            )
        drafts.append(
            Draft(
                SuggestionKind.READ_LATER if label == "newsletter" else SuggestionKind.ARCHIVE,
                say("suggest.nothing_now", label=label),
                confidence,
                {},
            )
        )
    if label in FROM_CATEGORY[SuggestionKind.ARCHIVE] - {"promotion"}:  # promotion: above
        drafts.append(Draft(SuggestionKind.ARCHIVE, say("suggest.fyi"), confidence, {}))
    if label == "personal" and not drafts:
        drafts.append(
            Draft(SuggestionKind.READ_LATER, say("suggest.personal", sender=sender), confidence, {})
        )
    if junk.is_junk is None and junk.probability >= 0.55:
        drafts.append(
            Draft(
                SuggestionKind.MARK_JUNK,
                say("suggest.possibly_junk", p=junk.probability, clues=", ".join(junk.clues[:2])),
                junk.probability * 0.8,
                {},
            )
        )
    if not drafts:
        drafts.append(
            Draft(
                SuggestionKind.ARCHIVE,
                say("suggest.unsure", title=title[:60]),
                max(0.2, 1 - confidence),
                {},
            )
        )
    return drafts
