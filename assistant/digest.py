"""The daily digest: one day's low-priority items with their open suggestions.

As a view (``Digest``) and as a self-contained HTML file. Each suggestion in
the file is a ``sift://accept/<suggestion id>`` link with the equivalent
``sift accept <suggestion id>`` command shown next to it for the terminal;
each item title links to ``sift://open/<item id>``. Such a link does nothing
by itself: in the app's Digest view (``ui.digest_view``) an open link selects
the item and an accept link first asks the user to confirm (showing the
suggestion's kind and reason); every other link there is ignored. Opened in a
browser, the links are inert and the command is the way. Every piece of item
text is HTML-escaped: mail is untrusted input.
Exporting never overwrites: an existing file goes to Sift's trash first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from html import escape
from pathlib import Path

from assistant.actions.trash import Trash
from assistant.actions.trash import write_replacing
from assistant.errors import UserError
from assistant.messages import localize
from assistant.messages import render
from assistant.types import Item
from assistant.types import Suggestion

LOW_PRIORITY = 0.35  # items below this priority wait for the digest
SNIPPET = 240  # characters of text shown when there is no summary

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 46em; margin: 2em auto; color: #222; }
h1 { font-size: 1.3em; } .item { border-top: 1px solid #ddd; padding: .8em 0; margin-top: 12px; }
.meta { color: #666; font-size: .9em; } .text { margin: .3em 0; }
a.action { display: inline-block; margin: .2em .4em .2em 0; padding: .15em .6em;
  border: 1px solid #999; border-radius: 4px; color: #0645ad; font-weight: 600; }
code { color: #555; font-size: .85em; }
"""


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One item in the digest with its open suggestions."""

    item: Item
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """One day's low-priority items, lowest priority first."""

    day: str  # YYYY-MM-DD
    entries: tuple[DigestEntry, ...]


def parse_day(text: str | date | None) -> date:
    """A day from ``YYYY-MM-DD`` (today in UTC when None)."""
    if text is None:
        return datetime.now(UTC).date()
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise UserError(f"not a day (YYYY-MM-DD): {text!r}") from error


def _entry(entry: DigestEntry, language: str) -> str:
    item = entry.item
    sender = item.metadata.get("from", "")
    text = item.summary_text or item.text[:SNIPPET] + ("…" if len(item.text) > SNIPPET else "")
    category = item.category or render("report.unsure", language)
    priority = render("digest.priority", language, priority=item.priority)
    meta = " · ".join(part for part in (sender, category, priority) if part)
    actions = "".join(
        f'<a class="action" href="sift://accept/{s.id}" '
        f'title="{escape(localize(s.reason, language))}">'
        f"{escape(render(f'kind.{s.kind}', language))}</a> <code>sift accept {s.id}</code> "
        for s in entry.suggestions
    )
    title = item.title or render("digest.no_title", language)
    none = render("digest.no_suggestions", language)
    return (
        '<div class="item">'
        f'<a href="sift://open/{item.id}"><strong>{escape(title)}</strong></a>'
        f'<div class="meta">{escape(meta)}</div>'
        f'<div class="text">{escape(text)}</div>'
        f"<div>{actions or f'<span class=meta>{escape(none)}</span>'}</div>"
        "</div>"
    )


def render_html(digest: Digest, language: str = "en") -> str:
    """The digest as one self-contained HTML page (no scripts, no external resources).

    ``language``: ``en`` or ``zh``, for the page's own words and the reasons.
    """
    nothing = f"<p>{escape(render('digest.nothing', language))}</p>"
    body = "".join(_entry(e, language) for e in digest.entries) or nothing
    count = len(digest.entries)
    day = escape(digest.day)
    heading = (
        render("digest.heading_one", language, day=day)
        if count == 1
        else render("digest.heading", language, day=day, count=count)
    )
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>{render('digest.title', language, day=day)}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1>"
        f"<p class='meta'>{render('digest.help', language)}</p>"
        f"{body}</body></html>\n"
    )


def write_html(digest: Digest, path: Path, trash: Trash) -> Path:
    """Write the digest page; an existing file goes to Sift's trash first, never overwritten."""
    data = render_html(digest).encode("utf-8")
    return write_replacing(path, data, trash, reason="replaced by a digest export")
