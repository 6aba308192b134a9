"""Suggested actions from an item's category, junk verdict and content.

Each suggestion carries a one-line reason a person can check, a confidence
(the classifier's, so an unsure item gets tentative suggestions) and the
model version that led to it. Rules are plain data here; what the user
accepts and rejects is recorded and feeds the classifiers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from assistant.fields import Fields
from assistant.naming import content_name
from assistant.naming import uninformative
from assistant.types import ItemKind
from assistant.types import JunkVerdict
from assistant.types import Prediction
from assistant.types import SuggestionKind

_QUESTION = re.compile(
    r"\?|？|\b(?:can|could|would|will) you\b|\bplease (?:let|send|confirm|review|reply)\b"
    r"|请(?:回复|确认|告知|查看)|能否|可以.{0,6}吗",
    re.IGNORECASE,
)
_DATE_HINT = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b"
    r"|\b\d{1,2}:\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b"
    r"|周[一二三四五六日]|星期[一二三四五六日天]|\d{1,2}月\d{1,2}日|[上下]午|\d{1,2}点",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?:[$€£¥]|USD|EUR|GBP|CNY|RMB)\s?\d[\d,]*(?:\.\d{2})?|\d[\d,]*(?:\.\d{2})?\s?(?:元|USD|EUR)",
)

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


def asks_question(text: str) -> bool:
    """A sentence-level signal that the sender waits for an answer."""
    return bool(_QUESTION.search(text[:3000]))


def first_amount(text: str) -> str | None:
    """The first money amount in the text, as written."""
    match = _AMOUNT.search(text)
    return match.group(0) if match else None


def first_date_hint(text: str) -> str | None:
    """The first date or time expression in the text, as written."""
    match = _DATE_HINT.search(text)
    return match.group(0) if match else None


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

    ``fields`` (dates, amounts) fill the calendar, bill and follow-up payloads
    with resolved values; without them the text's first date or amount as
    written is used. ``file_name`` and ``date`` (a document's own name and
    time) let a counter-named document (scan0001.pdf) get a rename suggestion.
    """
    if junk.is_junk:
        drafts = [
            Draft(
                SuggestionKind.MARK_JUNK,
                f"Looks like junk ({junk.probability:.0%}): {', '.join(junk.clues[:3])}",
                junk.probability,
                {},
            )
        ]
        if junk.probability < NOT_JUNK_BELOW:
            drafts.append(
                Draft(
                    SuggestionKind.NOT_JUNK,
                    f"Only {junk.probability:.0%} junk-like: keep it if it is mail you want",
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
                    f"{article(label)} {label} document: file it under {folder}",
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
                        f"The name {file_name} says nothing about it: rename it to {name}",
                        max(confidence, 0.5),
                        {"name": name},
                    )
                )
        drafts.append(
            Draft(SuggestionKind.READ_LATER, "A document you have not opened yet", 0.5, {})
        )
        return drafts
    unsubscribe = metadata.get("list_unsubscribe", "")
    date_hint = first_date_hint(text)
    amount = first_amount(text)
    when = ""
    due = ""
    currency = ""
    value = ""
    if fields is not None:
        if fields.dates:
            date_hint, when = fields.dates[0].text, fields.dates[0].when
        deadlines = [d for d in fields.dates if d.deadline]
        if deadlines:
            due = deadlines[0].when
        if fields.amounts:
            amount = fields.amounts[0].text
            value, currency = str(fields.amounts[0].value), fields.amounts[0].currency
    sender = metadata.get("from", "the sender")
    replies = label in FROM_CATEGORY[SuggestionKind.REPLY_DRAFT]
    if replies or (label in {"personal", None} and asks_question(text)):
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
    if label in FROM_CATEGORY[SuggestionKind.CALENDAR_EVENT]:
        drafts.append(
            Draft(
                SuggestionKind.CALENDAR_EVENT,
                f"A meeting{f' ({date_hint})' if date_hint else ''}: add it to your calendar",
                confidence,
                {"when": when, "when_text": date_hint or ""},
            )
        )
    if label in FROM_CATEGORY[SuggestionKind.RECORD_BILL]:
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
    if label in FROM_CATEGORY[SuggestionKind.ARCHIVE] - {"promotion"}:  # promotion: above
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


def priority(
    *,
    kind: ItemKind,
    text: str,
    metadata: dict[str, str],
    category: Prediction,
    junk: JunkVerdict,
    user_address: str | None = None,
) -> float:
    """An importance score in [0, 1] from simple, explainable features.

    Junk scores 0; a direct question with a date scores high; bulk mail low.
    """
    if junk.is_junk:
        return 0.0
    weights = {
        "needs-reply": 0.8,
        "meeting": 0.7,
        "finance": 0.6,
        "personal": 0.6,
        "fyi": 0.3,
        "newsletter": 0.15,
        "promotion": 0.1,
    }
    base = weights.get(category.label or "", 0.4 if kind == ItemKind.MAIL else 0.3)
    if asks_question(text):
        base += 0.1
    if first_date_hint(text):
        base += 0.05
    if metadata.get("list_unsubscribe"):
        base -= 0.1
    if user_address and user_address.lower() in metadata.get("to", "").lower():
        base += 0.05
    return max(0.0, min(1.0, base))
