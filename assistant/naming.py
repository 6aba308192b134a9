"""Names for documents whose file name says nothing (scan0001.pdf, IMG_1234.jpg).

Scanners and phones name files by counter; a name built from the content
(``2026-03-14 Invoice ACME.pdf``: date, document type, who it is from) makes
the folder readable without opening anything. Pure functions: the suggestion
rule proposes the name, the rename action (``assistant.actions.moves``)
carries it out without overwriting anything.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from assistant.fields import Fields

_UNINFORMATIVE = re.compile(
    r"^(?:scan|scanned|img|image|dsc|dscn|dcim|pxl|photo|pic|document|doc|file|untitled|"
    r"new document|page|capture|screenshot|copy of|扫描|文档|新建文档)?"
    r"[\s_\-.]*(?:\(\d+\)|\d+)?[\s_\-.]*(?:\(\d+\)|\d+)?$",
    re.IGNORECASE,
)
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')
# Names Windows reserves for devices, with any extension and in any case (``nul.txt``).
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$", re.IGNORECASE)
MAX_NAME = 120
_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]+|[\u4e00-\u9fff]{2,8}")
MAX_TITLE_WORDS = 4


def uninformative(file_name: str) -> bool:
    """True for counter names: ``scan0001.pdf``, ``IMG_1234.jpg``, ``document(3).pdf``, ``001``."""
    stem = PurePath(file_name).stem.strip()
    return bool(stem) and bool(_UNINFORMATIVE.fullmatch(stem))


def clean_text(text: str) -> str:
    """``text`` without separators or control characters, spaces squeezed, no edge dots."""
    return " ".join(_UNSAFE.sub(" ", text).split()).strip(" .")


def sanitize_name(name: str, *, fallback: str = "item") -> str:
    """A file name safe on every platform.

    No separators or control characters, at most ``MAX_NAME`` characters (the
    extension kept), and never a name Windows reserves (``CON``, ``nul.txt``,
    ``COM1.pdf``: suffixed with ``_``).
    """
    cleaned = clean_text(name)
    if len(cleaned) > MAX_NAME:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and len(suffix) <= 8:
            cleaned = f"{stem[: MAX_NAME - len(suffix) - 1].rstrip()}.{suffix}"
        else:
            cleaned = cleaned[:MAX_NAME].rstrip()
    head, dot, rest = cleaned.partition(".")
    if _RESERVED.match(head.rstrip()):
        cleaned = f"{head.rstrip()}_{dot}{rest}"
    return cleaned or fallback


def content_name(
    *, file_name: str, label: str | None, text: str, fields: Fields | None, date: str
) -> str | None:
    """``YYYY-MM-DD Type Who.ext`` from the content, or ``None`` when nothing is known.

    Args:
        file_name: the current name (its suffix is kept).
        label: the document type (``invoice``), if classified.
        text: the document's text (the first words name it when no sender is found).
        fields: extracted dates and organisations.
        date: a fallback ISO date (the file's time).
    """
    day = ""
    if fields is not None and fields.dates:
        day = fields.dates[0].when[:10]
    elif re.match(r"\d{4}-\d{2}-\d{2}", date or ""):
        day = date[:10]
    kind = label.replace("-", " ").title() if label else ""
    who = ""
    if fields is not None and fields.organisations:
        who = fields.organisations[0]
    elif not kind:
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        who = " ".join(_WORD.findall(first_line)[:MAX_TITLE_WORDS])
    parts = [clean_text(p) for p in (day, kind, who) if p]
    if not [p for p in parts if p and p != day]:
        return None  # a date alone is no better than a counter
    stem = " ".join(p for p in parts if p)[:100].rstrip()
    return stem + PurePath(file_name).suffix.lower()
