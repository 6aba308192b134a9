"""Cross-checking what the LLM wrote against the text and the deterministic fields.

Small models slip on exactly the details a reader acts on: a figure, a
weekday, a person's name. Every number, date word and capitalised name in a
summary must occur in the source text or among the fields extracted from it
without the model (``assistant.fields``); a point that fails is dropped, and a
one-line summary that fails is replaced (numbers, dates) or flagged (names).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import datetime

from assistant.fields import Fields
from assistant.types import Summary

_NUMBER = re.compile(r"\d[\d,.:]*\d|\d")

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_DATE = re.compile(
    r"\b(?:(?P<wd>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
    r"|(?P<mo>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
    r"|(?P<rel>today|tonight|tomorrow|yesterday|next week|this week|last week))\b",
    re.IGNORECASE,
)
_ZH_DATE = re.compile(
    r"[下上本这]?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"
    r"|(?P<rel>今天|明天|后天|昨天|下周|本周|上周|今晚|明早)"
)
_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE_ZH = {"今晚": "today", "明早": "tomorrow"}

# A run of capitalised words: a person, a place, an organisation.
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’-]*[a-z][a-zA-Z'’-]*(?:\s+[A-Z][a-zA-Z'’-]+)*")
_WORD = re.compile(r"[a-z0-9]+")
# Capitalised for grammar, not because they name someone.
_COMMON = frozenset(
    str.split(
        "i a an the this that these those he she it we they you your our my his her their "
        "re fw fwd please thanks thank hi hello dear regards note and or but for to of in on at "
        "by with from as is are was were be will can could would should may might must no yes "
        "not all any each new update request reminder meeting call summary action todo fyi "
        "asap mr mrs ms dr"
    )
)


def unsupported_numbers(candidate: str, source: str) -> list[str]:
    """Numbers in ``candidate`` that do not occur in ``source``.

    A number that is not in the text is certainly invented or altered.
    """
    known = {n.replace(",", "") for n in _NUMBER.findall(source)}
    known |= {part for n in known for part in re.split(r"[.:]", n) if part}
    return [n for n in _NUMBER.findall(candidate) if n.replace(",", "").rstrip(".") not in known]


def _date_keys(text: str) -> list[tuple[str, str]]:
    """``(as written, normalised key)`` for each weekday, month or relative-day word."""
    found = []
    for match in _EN_DATE.finditer(text):
        if match.group("wd"):
            found.append((match.group(0), f"wd{_WEEKDAYS.index(match.group('wd')[:3].lower())}"))
        elif match.group("mo"):
            word = match.group(0)
            # "May" and "march" are also ordinary words: only count them as
            # months when capitalised (or next to a number).
            if word[:3].lower() in {"may", "mar"} and not word[0].isupper():
                continue
            found.append((word, f"mo{_MONTHS.index(word[:3].lower())}"))
        else:
            found.append((match.group(0), match.group(0).lower()))
    for match in _ZH_DATE.finditer(text):
        if match.group("wd"):
            found.append((match.group(0), f"wd{_ZH_WEEKDAY[match.group('wd')]}"))
        else:
            found.append((match.group(0), _RELATIVE_ZH.get(match.group(0), match.group(0))))
    return found


def known_date_keys(source: str, fields: Fields | None = None) -> set[str]:
    """Date keys the text supports: its own words plus the resolved field dates.

    A field date ``5 December`` resolved to a Friday supports "Friday" too:
    the deterministic extractor did the calendar arithmetic, not the model.
    """
    keys = {key for _, key in _date_keys(source)}
    for found in fields.dates if fields else ():
        keys |= {key for _, key in _date_keys(found.text)}
        try:
            when = datetime.fromisoformat(found.when)
        except ValueError:
            continue
        keys |= {f"wd{when.weekday()}", f"mo{when.month - 1}"}
    return keys


def unsupported_dates(candidate: str, known: set[str]) -> list[str]:
    """Weekday, month and relative-day words in ``candidate`` not in ``known`` keys."""
    return [text for text, key in _date_keys(candidate) if key not in known]


def _stem(word: str) -> str:
    return word.lower()[:4]


def known_name_stems(source: str, extra: Iterable[str] = ()) -> set[str]:
    """Word stems of the source and of the deterministic names (people, organisations)."""
    words = _WORD.findall(source.lower())
    for value in extra:
        words.extend(_WORD.findall(value.lower()))
    return {_stem(w) for w in words}


def unsupported_names(candidate: str, known: set[str]) -> list[str]:
    """Capitalised words in ``candidate`` whose stem is nowhere in the source.

    Compared by a four-letter stem, case-insensitively, so that "Moved" is
    supported by "moves" (the price: "Alexander" passes for "Alex"); a name
    the model made up ("Jonathan" for "Priya") is caught. Latin script only:
    Chinese names are not checked.
    """
    unsupported = []
    for match in _NAME.finditer(candidate):
        words = match.group(0).split()
        before = candidate[: match.start()].rstrip()
        if len(words) == 1 and (not before or before[-1] in ".!?:;-•*"):
            continue  # a lone capitalised word opening a sentence is grammar
        for word in words:
            bare = word.strip("'’-")
            if not bare or bare.lower() in _COMMON or _EN_DATE.fullmatch(bare):
                continue
            if _stem(bare) not in known and bare not in unsupported:
                unsupported.append(bare)
    return unsupported


def grounded(summary: Summary, source: str, fields: Fields | None = None) -> Summary | None:
    """The summary with every unsupported point dropped, or ``None``.

    ``None`` when the one-line summary itself has an invented number or date
    (the caller shows an extractive summary instead). An unsupported name in
    the one-line summary is kept but flagged in ``notes``: a capitalised word
    can be ordinary ("Quarterly Review"), so dropping would lose good lines.

    Args:
        summary: what the model wrote.
        source: the full text (title included) the summary must rest on.
        fields: the deterministic fields of the same text, when known.
    """
    dates = known_date_keys(source, fields)
    names = known_name_stems(source, (*fields.people, *fields.organisations) if fields else ())

    def problems(text: str) -> list[str]:
        return [
            *unsupported_numbers(text, source),
            *unsupported_dates(text, dates),
            *unsupported_names(text, names),
        ]

    if unsupported_numbers(summary.one_line, source) or unsupported_dates(summary.one_line, dates):
        return None
    notes = list(summary.notes)
    flagged = unsupported_names(summary.one_line, names)
    if flagged:
        notes.append(f"not found in the text: {', '.join(flagged)}")
    kept_points = tuple(p for p in summary.key_points if not problems(p))
    kept_actions = tuple(a for a in summary.action_items if not problems(a))
    dropped = len(summary.key_points) - len(kept_points)
    dropped += len(summary.action_items) - len(kept_actions)
    if dropped:
        notes.append(f"dropped {dropped} point(s) naming a figure, date or name not in the text")
    return dataclasses.replace(
        summary, key_points=kept_points, action_items=kept_actions, notes=tuple(notes)
    )
