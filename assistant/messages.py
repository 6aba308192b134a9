"""Engine-made text (reasons, clues, verdicts, errors) in English and Chinese.

The engine stores its text in English, as it always has: suggestion reasons,
clues and error reasons are rows in SQLite, and rows written by older
versions must keep rendering. So the catalog (``assistant.message_catalog``)
is the one source of each sentence's English form (``say`` formats it; the
engine stores the result) and of its Chinese form, and ``localize`` turns a stored English sentence
back into its template and parameters (each template compiles to a regular
expression) and renders it in another language. A text that no template
matches is shown as it is, so an unknown or user-written string never breaks.

Both the CLI and the GUI render through ``localize``; the engine itself stays
Qt-free. Parameters that hold lists of other messages (a junk reason lists the
junk filter's clues) are localized piece by piece.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Any

from assistant.message_catalog import CATALOG
from assistant.message_catalog import LANGUAGES
from assistant.message_catalog import Template

__all__ = ["CATALOG", "LANGUAGES", "Template", "localize", "match", "render", "say"]


def say(key: str, **params: Any) -> str:
    """The English sentence ``key`` with ``params`` (what the engine stores).

    Raises:
        KeyError: an unknown key or a missing parameter (a bug, caught by the tests).
    """
    return CATALOG[key].en.format(**params)


def render(key: str, language: str, **params: Any) -> str:
    """Sentence ``key`` in ``language`` straight from parameters.

    Each value is formatted as the English form says (``{p:.0%}``), so both
    languages show the same figures.
    """
    template = CATALOG[key]
    if language != "zh":
        return template.en.format(**params)
    specs = {name: spec or "" for _, name, spec, _ in string.Formatter().parse(template.en) if name}
    return template.zh.format(**{name: format(params[name], specs[name]) for name in specs})


# Fields that only take a few words: matched exactly, so the next field starts
# where it should ("An invoice document" is article "An", label "invoice").
_FIELD_PATTERNS = {"article": "An?"}


def _pattern(name: str, spec: str) -> str:
    if name in _FIELD_PATTERNS:
        return _FIELD_PATTERNS[name]
    if spec.endswith("%"):
        return r"-?\d+(?:\.\d+)?%"
    if spec.endswith(("f", "d")):
        return r"-?[\d,]+(?:\.\d+)?"
    return r".+?"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], Template]]:
    compiled = []
    for template in CATALOG.values():
        parts: list[str] = []
        seen: set[str] = set()
        literal = 0
        for text, name, spec, _ in string.Formatter().parse(template.en):
            parts.append(re.escape(text))
            literal += len(text)
            if name is None:
                continue
            if name in seen:
                parts.append(f"(?P={name})")
            else:
                seen.add(name)
                parts.append(f"(?P<{name}>{_pattern(name, spec or '')})")
        compiled.append((literal, re.compile("".join(parts), re.DOTALL), template))
    # The most specific first: "words of “x”: …" before "words of x: …".
    compiled.sort(key=lambda entry: -entry[0])
    return [(pattern, template) for _, pattern, template in compiled]


def match(text: str, *, joined: bool = False) -> tuple[Template, dict[str, str]] | None:
    """The template that made ``text`` and its parameters as they appear, or ``None``.

    ``joined``: only templates that themselves contain ``"; "`` (for a text that
    may also be a ``"; "``-joined list of sentences).
    """
    for pattern, template in _compiled():
        if joined and "; " not in template.en:
            continue
        found = pattern.fullmatch(text)
        if found is not None:
            return template, found.groupdict()
    return None


@lru_cache(maxsize=4096)
def localize(text: str, language: str) -> str:
    """``text`` (an English sentence the engine made) in ``language``.

    Old stored rows render too: they were made from the same templates. A text
    no template matches comes back unchanged, except that a ``"; "``-joined
    list (a read-next reason, some clues) is localized part by part.
    """
    if language != "zh" or not text:
        return text
    # A "; "-joined list (a read-next reason) is localized part by part, unless one
    # sentence has "; " in it; a field like ``{sender}`` would otherwise swallow the rest.
    found = match(text, joined=True) if "; " in text else match(text)
    if found is None and "; " in text:
        parts = [localize(part, language) for part in text.split("; ")]
        return "；".join(parts) if parts != text.split("; ") else text
    if found is None:
        return text
    template, params = found
    values = {}
    for name, value in params.items():
        separator = template.lists.get(name)
        if separator is not None:
            value = "，".join(localize(part, language) for part in value.split(separator))
        values[name] = value
    return template.zh.format(**values)
