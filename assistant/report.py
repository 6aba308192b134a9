"""Plain-text rendering of items and suggestions for the terminal."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.messages import localize
from assistant.messages import say
from assistant.types import Item
from assistant.types import ItemState
from assistant.types import Suggestion

if TYPE_CHECKING:
    from assistant.engine import Sift


def junk_text(item: Item) -> str:
    """``junk 97%``, ``not junk 3%`` or ``junk? 52%``."""
    if item.kind != "mail":
        return say("report.not_filtered")
    if item.is_junk is None:
        return say("report.junk_unsure", p=item.junk_probability)
    return say("report.junk" if item.is_junk else "report.not_junk", p=item.junk_probability)


def category_text(item: Item) -> str:
    """``finance 82%``, ``finance (yours)`` or ``unsure``."""
    if item.user_category:
        return say("report.yours", name=item.user_category)
    if item.category is None:
        return say("report.unsure")
    return f"{item.category} {item.confidence:.0%}"


def item_line(item: Item, language: str = "en") -> str:
    """One line per item for ``sift items`` (verdicts and errors in ``language``)."""
    if item.state == ItemState.ERROR:
        return (
            f"{item.id:>5}  ERROR     {item.title[:50]:<50}  {localize(item.error or '', language)}"
        )
    category, junk = localize(category_text(item), language), localize(junk_text(item), language)
    return (
        f"{item.id:>5}  {item.kind:<8}  {item.title[:50]:<50}  {category:<18} "
        f"{junk:<14} p={item.priority:.2f}"
    )


def print_item(
    item: Item, suggestions: Sequence[Suggestion], *, full: bool = False, language: str = "en"
) -> None:
    """An item with its summary, verdicts and suggestions.

    ``language`` (``en``, ``zh``): the engine's sentences (verdicts, clues,
    reasons, errors) are rendered in it through ``assistant.messages``.
    """

    def said(text: str) -> str:
        return localize(text, language)

    wrap = textwrap.TextWrapper(width=100, initial_indent="    ", subsequent_indent="    ")
    print(f"[{item.id}] {item.title}")
    print(f"    {item.kind} · {item.source_path}")
    if item.state == ItemState.ERROR:
        print(f"    ERROR: {said(item.error or '')}")
        return
    sender = item.metadata.get("from")
    if sender:
        print(f"    from {sender} · {item.metadata.get('date', '')}")
    verdicts = f"{said(category_text(item))} · {said(junk_text(item))}"
    print(f"    category: {verdicts} · priority {item.priority:.2f}")
    if item.category_clues:
        print(f"    why: {'; '.join(said(clue) for clue in item.category_clues[:2])}")
    if item.fields and (item.fields.dates or item.fields.amounts):
        found = [f"{d.text} → {d.when[:16]}" for d in item.fields.dates[:3]]
        found += [f"{a.value:,.2f} {a.currency}" for a in item.fields.amounts[:3]]
        print(wrap.fill(f"found: {'; '.join(found)}"))
    if item.summary:
        tag = " [extractive]" if item.summary.extractive else ""
        print(wrap.fill(f"summary{tag}: {item.summary.one_line}"))
        for point in item.summary.key_points:
            print(wrap.fill(f"  - {point}"))
        for action in item.summary.action_items:
            print(wrap.fill(f"  → {action}"))
    for s in suggestions:
        print(f"    suggest #{s.id} {s.kind} ({s.confidence:.0%}): {said(s.reason)} [{s.state}]")
    if full:
        print()
        print(textwrap.indent(item.text, "    | "))


def print_report(sift: Sift, items: Sequence[Item]) -> None:
    """The ``sift demo --headless`` report."""
    for item in items:
        print_item(item, sift.suggestions(item.id))
        print()
    ready = [i for i in items if i.state == ItemState.READY]
    by_category = Counter(i.category or "unsure" for i in ready)
    junk = sum(1 for i in ready if i.is_junk)
    summaries = sum(1 for i in ready if i.summary and not i.summary.extractive)
    print(
        f"{len(items)} items: {len(ready)} ready, {len(items) - len(ready)} with errors; "
        f"{junk} junk; {summaries} LLM summaries"
    )
    print(
        "categories: " + ", ".join(f"{name} {count}" for name, count in by_category.most_common())
    )
    print(f"data: {sift.paths.data}")
