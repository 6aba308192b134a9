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
from assistant.types import ItemKind
from assistant.types import JunkVerdict
from assistant.types import Prediction
from assistant.types import SuggestionKind

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
) -> list[Draft]:
    """Suggested actions for one item, most useful first.

    ``fields`` (dates, amounts, requests; ``assistant.fields`` is the one place
    that finds them) fill the calendar, bill and follow-up payloads with
    resolved values; without them no date, amount or request is known.
    """
    if junk.is_junk:
        return [
            Draft(
                SuggestionKind.MARK_JUNK,
                f"Looks like junk ({junk.probability:.0%}): {', '.join(junk.clues[:3])}",
                junk.probability,
                {},
            )
        ]
    label = category.label
    confidence = category.confidence
    drafts: list[Draft] = []
    if kind == ItemKind.DOCUMENT:
        folder = FOLDERS.get(label or "", "Documents")
        if label:
            drafts.append(
                Draft(
                    SuggestionKind.FILE_INTO,
                    f"{article(label)} {label} document: file it under {folder}",
                    confidence,
                    {"folder": folder},
                )
            )
        drafts.append(
            Draft(SuggestionKind.READ_LATER, "A document you have not opened yet", 0.5, {})
        )
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
    if label == "needs-reply" or (label in {"personal", None} and fields.requests):
        drafts.append(
            Draft(
                SuggestionKind.REPLY_DRAFT,
                f"{sender} asks you something and waits for an answer",
                confidence,
                {},
            )
        )
        drafts.append(
            Draft(
                SuggestionKind.FOLLOW_UP,
                "Follow up if this is still open in two days",
                confidence * 0.8,
                {"days": "2"},
            )
        )
    if label == "meeting":
        drafts.append(
            Draft(
                SuggestionKind.CALENDAR_EVENT,
                f"A meeting{f' ({date_hint})' if date_hint else ''}: add it to your calendar",
                confidence,
                {"when": when, "when_text": date_hint or ""},
            )
        )
    if label == "finance":
        drafts.append(
            Draft(
                SuggestionKind.RECORD_BILL,
                f"A bill or receipt{f' of {amount}' if amount else ''}: record it",
                confidence,
                {"amount": amount or "", "value": value, "currency": currency, "due": due},
            )
        )
        drafts.append(
            Draft(
                SuggestionKind.FILE_INTO,
                "Finance mail: file it under Finance",
                confidence * 0.9,
                {"folder": "Finance"},
            )
        )
    if label in {"newsletter", "promotion"}:
        if unsubscribe:
            drafts.append(
                Draft(
                    SuggestionKind.UNSUBSCRIBE,
                    f"A {label} with an unsubscribe link, if you no longer want it",
                    confidence * 0.7,
                    {"list_unsubscribe": unsubscribe},
                )
            )
        drafts.append(
            Draft(
                SuggestionKind.READ_LATER if label == "newsletter" else SuggestionKind.ARCHIVE,
                f"A {label}: nothing to act on now",
                confidence,
                {},
            )
        )
    if label == "fyi":
        drafts.append(
            Draft(SuggestionKind.ARCHIVE, "For information only: no action needed", confidence, {})
        )
    if label == "personal" and not drafts:
        drafts.append(
            Draft(SuggestionKind.READ_LATER, f"A personal note from {sender}", confidence, {})
        )
    if junk.is_junk is None and junk.probability >= 0.55:
        drafts.append(
            Draft(
                SuggestionKind.MARK_JUNK,
                f"Possibly junk ({junk.probability:.0%}): {', '.join(junk.clues[:2])}",
                junk.probability * 0.8,
                {},
            )
        )
    if not drafts:
        drafts.append(
            Draft(
                SuggestionKind.ARCHIVE,
                f"No clear category (unsure); archive it if it needs nothing from you: "
                f"{title[:60]}",
                max(0.2, 1 - confidence),
                {},
            )
        )
    return drafts
