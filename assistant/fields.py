"""Fields extracted deterministically: dates and deadlines, amounts, people,
organisations, and the requests addressed to the reader.

These do not depend on the LLM, so they are exact where the model is not:
relative dates ("by Wednesday", "下周一") are resolved against the mail's own
Date, amounts keep their currency, and every value is a span of the text.
They also cross-check the LLM (see ``summarize.grounded``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from email.utils import getaddresses
from typing import Any

_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")
_DATE_HINT = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\btoday\b|\btomorrow\b|\bnext week\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b"
    r"|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\bnoon\b",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\b(?:by|due|before|until|deadline|no later than)\b|截止|之前|以前|前(?:完成|提交|回复)",
    re.IGNORECASE,
)
_ZH_DATE = re.compile(
    r"(?:(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号])?"
    r"(?:[（(]?(?:(?P<next>下)?(?:周|星期)(?P<weekday>[一二三四五六日天]))[)）]?)?"
    r"(?P<half>上午|下午|晚上)?(?:(?P<hour>\d{1,2}|[一二三四五六七八九十]{1,3})(?:[:：](?P<minute>\d{2})|点(?:半)?))?"
)
_ZH_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_AMOUNT = re.compile(
    r"(?P<pre>US\$|\$|€|£|¥|￥|USD|EUR|GBP|CNY|RMB)\s?(?P<num>\d[\d,]*(?:\.\d{1,2})?)"
    r"|(?P<num2>\d[\d,]*(?:\.\d{1,2})?)\s?(?P<post>元|USD|EUR|GBP|CNY|RMB|dollars|euros)",
    re.IGNORECASE,
)
_CURRENCY = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR",
    "euros": "EUR", "£": "GBP", "gbp": "GBP", "¥": "CNY", "￥": "CNY", "cny": "CNY",
    "rmb": "CNY", "元": "CNY",
}  # fmt: skip
_ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w&'-]+ ){0,3}[A-Z][\w&'-]+,? (?:Inc|LLC|Ltd|GmbH|Corp|Corporation|Company|Co|"
    r"Bank|University|Credit Union)\b\.?|[\u4e00-\u9fff]{2,16}(?:有限公司|集团|银行|大学|公司)"
)
_GREETING = re.compile(
    r"^(?:hi|hello|dear|hey)\s+([A-Z][a-z]+)\b|^([\u4e00-\u9fff]{1,4})(?:您好|你好)"
)
_TRAILING_WORD = re.compile(r"\s+(?:in|at|on|by|for|to|and)$", re.IGNORECASE)
# A sentence that asks the reader for something: a question, a polite or
# imperative request, a proposal to act together, an offer to talk. Tuned on
# half of the Parakweet email-intent set (bench/intent.py); the other half checks it.
_QUESTION_MARK = re.compile(r"\?\s*[\"')\]]*\s*$|？")
_REQUEST = re.compile(
    r"\b(?:can|could|would|will|won't|wouldn't) (?:you|we|u)\b|\bplease\b|\bpls\b|\bkindly\b"
    r"|\blet (?:me|us) know\b|\blet(?:'|’)?s\b|\bhow about\b|\bwhat about\b"
    r"|\b(?:give|send|call|email|ping|page|tell|show|remind|forward) me\b|\bcall me\b"
    r"|\b(?:you|we) (?:should|need to|must|will need to|might want to|may want to)\b"
    r"|\b(?:need|needs) (?:to (?:know|discuss|talk|get|have|see|review|confirm)|your)\b"
    r"|\bi(?:'|’)?d (?:like|love|appreciate)\b|\bi would (?:like|appreciate)\b"
    r"|\bwould (?:like|appreciate|be (?:great|helpful|nice))\b"
    r"|\b(?:appreciate|welcome) (?:it|your|any)\b"
    r"|\b(?:to|and|then|can) discuss\b|\bget back to (?:me|us)\b|\bdon(?:'|’)?t hesitate\b"
    r"|\bfeel free\b|\bmake sure\b|\bbe sure to\b|\bremember to\b|\bdon(?:'|’)?t forget\b"
    r"|\bi was wondering\b|\bdo you (?:know|have|want|think)\b|\bare you (?:available|free|able)\b"
    r"|\bwhen (?:can|could|would|will) you\b|\bi need you\b|\bwe need you\b"
    r"|\b(?:join|meet|call) (?:us|me)\b|\bif you (?:want|would like|could|can) to\b"
    r"|\bwould be (?:happy|glad) to\b|\b(?:your|any) (?:input|thoughts|feedback|comments)\b"
    r"|请|麻烦|能否|可否|是否|可以.{0,8}吗|吗[。.]?$|呢[。.]?$|劳驾|务必|尽快",
    re.IGNORECASE,
)
# Imperatives: a sentence that opens (after a greeting or a name) with a verb
# addressed to the reader.
_IMPERATIVE = re.compile(
    r"^(?:(?:hi|hey|hello|dear|ok|okay|so|also|and|then|but|fyi|note|guys|all)[\s,:;-]+)*"
    r"(?:[A-Z][a-z]+[,:]\s+)?"
    r"(?:call|send|forward|review|check|confirm|let|take|give|tell|schedule|set up|set|"
    r"update|fill|reply|respond|sign|submit|return|bring|join|contact|email|attend|come|"
    r"provide|advise|approve|add|prepare|make|get|find|look|read|print|fax|ask|plan|"
    r"register|rsvp|remember|note|see|keep|try|use|call|go ahead|think about|talk|meet|"
    r"do not|don't|stop|start|pick|put|mark|book|arrange|coordinate|circulate|resend|"
    r"verify|complete|download|install|watch|enter|share|save)\b",
    re.IGNORECASE,
)


# Boilerplate that reads like a request but asks for nothing now ("If you have
# any questions, please contact us").
_BOILERPLATE = re.compile(
    r"^(?:if you (?:have|need|experience|are having) (?:any )?(?:questions?|problems?|trouble|"
    r"concerns?|difficult(?:y|ies)|help)|for (?:more information|customer service|questions))"
    r"|\bunsubscribe\b|\bsee you\b|\bto please\b",
    re.IGNORECASE,
)


def is_request(sentence: str) -> bool:
    """A sentence-level "needs a reply" signal: does it ask the reader for something?

    A question, a request ("please", "could you", "let me know"), a proposal
    ("let's", "how about"), or an imperative opening ("Send me the file").
    """
    text = sentence.strip()
    if _QUESTION_MARK.search(text):
        return True
    if _BOILERPLATE.search(text):
        return False
    return bool(_REQUEST.search(text) or _IMPERATIVE.match(text))


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date or time in the text, resolved to an absolute time."""

    text: str
    when: str  # ISO 8601
    deadline: bool


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount as written, with its value and ISO currency."""

    text: str
    value: float
    currency: str


@dataclass(frozen=True, slots=True)
class Fields:
    """Everything extracted from one item."""

    dates: tuple[FoundDate, ...] = ()
    amounts: tuple[Amount, ...] = ()
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "dates": [{"text": d.text, "when": d.when, "deadline": d.deadline} for d in self.dates],
            "amounts": [
                {"text": a.text, "value": a.value, "currency": a.currency} for a in self.amounts
            ],
            "people": list(self.people),
            "organisations": list(self.organisations),
            "requests": list(self.requests),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Fields:
        """The inverse of ``as_json``."""
        return Fields(
            dates=tuple(FoundDate(**d) for d in data.get("dates", ())),
            amounts=tuple(Amount(**a) for a in data.get("amounts", ())),
            people=tuple(data.get("people", ())),
            organisations=tuple(data.get("organisations", ())),
            requests=tuple(data.get("requests", ())),
        )


def sentences(text: str) -> list[str]:
    """Sentences, English and Chinese punctuation."""
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 1]


def _zh_number(value: str) -> int:
    if value.isdigit():
        return int(value)
    if value.startswith("十"):
        return 10 + _ZH_DIGITS.get(value[1:], 0) if len(value) > 1 else 10
    if "十" in value:
        tens, _, ones = value.partition("十")
        return _ZH_DIGITS.get(tens, 0) * 10 + _ZH_DIGITS.get(ones, 0)
    return _ZH_DIGITS.get(value, 0)


def chinese_dates(sentence: str, base: datetime) -> list[tuple[str, datetime]]:
    """Dates such as ``11月26日（周四）15:00`` or ``下周一上午十点`` against ``base``."""
    found = []
    for match in _ZH_DATE.finditer(sentence):
        if not match.group(0) or not (match.group("day") or match.group("weekday")):
            continue
        day = base.replace(hour=9, minute=0, second=0, microsecond=0)
        if match.group("month"):
            day = day.replace(month=int(match.group("month")), day=int(match.group("day")))
            if day < base - timedelta(days=180):
                day = day.replace(year=day.year + 1)
        elif match.group("weekday"):
            target = _ZH_WEEKDAYS[match.group("weekday")]
            ahead = (target - base.weekday()) % 7  # this week's (or today)
            if match.group("next"):
                ahead = (7 - base.weekday()) + target  # the week after this one
            day = day + timedelta(days=ahead)
        if match.group("hour"):
            hour = _zh_number(match.group("hour"))
            if match.group("half") in {"下午", "晚上"} and hour < 12:
                hour += 12
            minute = int(match.group("minute") or 0)
            if "点半" in match.group(0):
                minute = 30
            day = day.replace(hour=min(hour, 23), minute=minute)
        found.append((match.group(0), day))
    return found


def english_dates(sentence: str, base: datetime) -> list[tuple[str, datetime]]:
    """Dates in English text, through dateparser, only where a date word appears."""
    if not _DATE_HINT.search(sentence):
        return []
    from dateparser.search import search_dates  # noqa: PLC0415 - 0.2 s import, only when needed

    results = search_dates(
        sentence,
        languages=["en"],
        settings={"RELATIVE_BASE": base.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
    )
    return [(text, when) for text, when in results or [] if _DATE_HINT.search(text)]


def extract_fields(title: str, text: str, metadata: dict[str, str], *, language: str) -> Fields:
    """Every field of one item.

    Args:
        title: subject or document title.
        text: the item's new text.
        metadata: mail headers (``date``, ``from``, ``to``, ``cc``).
        language: ``en``, ``zh`` or ``other``.
    """
    try:
        base = datetime.fromisoformat(metadata["date"]) if metadata.get("date") else datetime.now()
    except ValueError:
        base = datetime.now()
    body = f"{title}\n{text[:6000]}"
    dates: list[FoundDate] = []
    requests: list[str] = []
    for sentence in sentences(body):
        found = chinese_dates(sentence, base) if language == "zh" else english_dates(sentence, base)
        deadline = bool(_DEADLINE.search(sentence))
        for span, when in found:
            cleaned = _TRAILING_WORD.sub("", span.strip())
            dates.append(FoundDate(cleaned, when.replace(tzinfo=None).isoformat(), deadline))
        if is_request(sentence) and len(requests) < 5:
            requests.append(sentence[:200])
    amounts = []
    for match in _AMOUNT.finditer(body):
        number = match.group("num") or match.group("num2")
        unit = (match.group("pre") or match.group("post") or "").lower()
        try:
            value = float(number.replace(",", ""))
        except ValueError:
            continue
        amounts.append(Amount(match.group(0).strip(), value, _CURRENCY.get(unit, unit.upper())))
    people = []
    for field in ("from", "to", "cc"):
        for name, address in getaddresses([metadata.get(field, "")]):
            label = name.strip() or address.split("@")[0]
            if label and label not in people:
                people.append(label)
    greeting = _GREETING.search(text.strip()[:200])
    if greeting:
        name = greeting.group(1) or greeting.group(2)
        if name and name not in people:
            people.append(name)
    organisations = list(
        dict.fromkeys(m.group(0).strip().rstrip(",.") for m in _ORGANISATION.finditer(body))
    )
    return Fields(
        dates=tuple(dict.fromkeys(dates))[:10],
        amounts=tuple(dict.fromkeys(amounts))[:10],
        people=tuple(people[:10]),
        organisations=tuple(organisations[:10]),
        requests=tuple(requests),
    )
