"""Clean extracted text: whitespace, quoted replies, signatures, language.

Everything here is pure string work with no dependencies, linear in the size
of its input (line-by-line scans and bounded regexes), because it runs over
tens of thousands of mails.
"""

from __future__ import annotations

import re

# Zero-width and invisible characters (marketing mail pads preheaders with
# them); NBSP and friends become plain spaces; odd line breaks become "\n".
_TRANSLATE = str.maketrans(
    {
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        "\u034f": None,
        "\x00": None,
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u3000": " ",
        "\u2028": "\n",
        "\u2029": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x85": "\n",
    }
)
_BLANK_RUNS = re.compile(r"\n{3,}")

# A reply's attribution line. Bounded lengths keep the scan linear per line.
_ATTRIBUTION = re.compile(
    r"^\s*(?:On\s.{1,300}\swrote|Le\s.{1,300}\sa\s+écrit|Am\s.{1,300}\sschrieb)\s*:\s*$"
    r"|^\s*(?:在.{1,300}|.{1,200}于\s*\d.{1,200})写道\s*[:：]\s*$",
    re.IGNORECASE,
)
# "Bob wrote:" alone is too loose to trust unless quoted lines follow it.
_LOOSE_ATTRIBUTION = re.compile(r"^\s*\S.{0,150}\s(?:wrote|writes)\s*:\s*$", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original\s+Message|原始邮件|原始郵件|Ursprüngliche\s+Nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(r"^\s*\*?(?:From|发件人|寄件者)\s*\*?\s*[:：]", re.IGNORECASE)
_SENT_FIELD = re.compile(
    r"^\s*\*?(?:Sent|Date|发送时间|时间|日期|寄件日期)\s*\*?\s*[:：]", re.IGNORECASE
)
_TO_FIELD = re.compile(r"^\s*\*?(?:To|Subject|收件人|主题|主旨)\s*\*?\s*[:：]", re.IGNORECASE)
# A forward's header block is the content, not a quote: stop looking past it.
_FORWARD = re.compile(
    r"^\s*-*\s*(?:begin\s+forwarded\s+(?:text|message)|forwarded\s+message|"
    r"转发的邮件|转发邮件|原始邮件转发)\s*-*\s*:?\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")

_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:Sent\s+from\s+my\s+\S.{0,40}|Get\s+Outlook\s+for\s+\S.{0,30}"
    r"|发自我的\s*\S.{0,30}|从我的\s*\S.{0,30}发送)\s*$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(?:(?:best|kind|warm|warmest|many)?\s*(?:regards|wishes)|cheers|thanks|thank\s+you"
    r"|many\s+thanks|thanks\s+again|sincerely|yours(?:\s+(?:truly|sincerely))?|best|br"
    r"|谢谢|多谢|此致|敬礼|祝好|顺祝商祺|顺颂商祺)\s*[,，!！.。]?\s*$",
    re.IGNORECASE,
)
_MAX_ATTRIBUTION = 600
_MAX_SIGNATURE_LINES = 15
_MAX_SIGN_OFF_TAIL = 4
_MAX_SIGN_OFF_LINE = 60

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[a-z']+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_STOPWORD_TEXT = """
the and of to is are was were for with that this you your have has be it not will from at by
as we our please if or can would should they there what which but my me do all been any about
i it's i'm don't let know
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_SAMPLE = 20_000


def normalize_whitespace(text: str) -> str:
    """Unify newlines, drop invisible characters, trim lines and blank runs.

    Args:
        text: any text.

    Returns:
        The text with ``\\n`` newlines, NBSPs as spaces, zero-width characters
        removed, no trailing spaces, at most one blank line in a row and no
        leading or trailing blank lines.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _is_quote(line: str) -> bool:
    return line.lstrip(" ").startswith(">")


def _is_outlook_header(lines: list[str], index: int) -> bool:
    """True when ``lines[index]`` opens a "From: / Sent: / To:" header block."""
    if not _FROM_FIELD.match(lines[index]):
        return False
    window = lines[index + 1 : index + 6]
    return any(_SENT_FIELD.match(line) for line in window) and any(
        _TO_FIELD.match(line) for line in window
    )


def _may_attribute(line: str) -> bool:
    """Cheap pre-filter before the attribution regex."""
    lowered = line.lower()
    return "wrote" in lowered or "写道" in line or "crit" in lowered or "schrieb" in lowered


def _quote_follows(lines: list[str], index: int) -> bool:
    for position in range(index + 1, len(lines)):
        if lines[position].strip():
            return _is_quote(lines[position])
    return False


def _reply_cut(lines: list[str]) -> tuple[int, int]:
    """Find where the quoted original begins.

    Returns:
        ``(index, span)``: the first line of the quoted block (``len(lines)``
        when none) and how many lines its "On ... wrote:" attribution takes
        (1 or 2; 0 for an Outlook header block, which never starts an inline
        reply).
    """
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            break
        if _ORIGINAL_MESSAGE.match(line) or _is_outlook_header(lines, index):
            start = index - 1 if index > 0 and _RULE.match(lines[index - 1]) else index
            return start, 0
        if len(line) > _MAX_ATTRIBUTION or _is_quote(line):
            continue
        if _may_attribute(line) and _ATTRIBUTION.match(line):
            return index, 1
        if _may_attribute(line) and _LOOSE_ATTRIBUTION.match(line) and _quote_follows(lines, index):
            return index, 1
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _may_attribute(following) and not _ATTRIBUTION.match(following):
            joined = f"{line} {following}"
            if len(joined) <= _MAX_ATTRIBUTION and _ATTRIBUTION.match(joined):
                return index, 2
    return len(lines), 0


def _is_inline_reply(rest: list[str]) -> bool:
    """True when unquoted text follows quoted text after an attribution line."""
    seen_quote = False
    for line in rest:
        if _is_quote(line):
            seen_quote = True
        elif seen_quote and line.strip():
            return True
    return False


def _signature_start(lines: list[str]) -> int:
    """Index where the signature starts in ``lines``, or ``len(lines)``."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    for index in range(end - 1, max(-1, end - _MAX_SIGNATURE_LINES - 2), -1):
        if lines[index].rstrip() in ("--", "-- "):
            return index
    if end and _MOBILE_SIGNATURE.match(lines[end - 1]):
        return end - 1
    for index in range(end - 1, max(-1, end - _MAX_SIGN_OFF_TAIL - 2), -1):
        if _SIGN_OFF.match(lines[index]):
            tail = lines[index + 1 : end]
            short = all(len(line) <= _MAX_SIGN_OFF_LINE for line in tail)
            if short and index > 0 and any(line.strip() for line in tail):
                return index
            break
    return len(lines)


def split_quoted(text: str) -> tuple[str, str, str]:
    """Separate a mail body into new text, quoted text and signature.

    Quoted text is: lines starting with ``>``; an attribution line ("On ...
    wrote:", "在 ... 写道：") and everything after it, unless the reply is
    written inline between quoted lines; an Outlook "-----Original
    Message-----" or "From: / Sent: / To:" block and everything after it.
    The signature is what follows a ``-- `` separator, a trailing "Sent from
    my ..." line, or a short sign-off block ("Thanks,\\nBob") at the end.

    Args:
        text: a mail body, newlines already unified.

    Returns:
        ``(new_text, quoted, signature)``, each stripped.
    """
    lines = text.split("\n")
    cut, span = _reply_cut(lines)
    head, rest = lines[:cut], lines[cut:]
    quoted: list[str] = []
    if span and _is_inline_reply(rest[span:]):
        quoted.extend(rest[:span])
        head = head + rest[span:]
        rest = []
    new: list[str] = []
    for line in head:
        (quoted if _is_quote(line) else new).append(line)
    quoted.extend(rest)
    sig = _signature_start(new)
    signature = new[sig:]
    if signature and signature[0].rstrip() in ("--", "-- "):
        signature = signature[1:]
    return (
        normalize_whitespace("\n".join(new[:sig])),
        normalize_whitespace("\n".join(quoted)),
        normalize_whitespace("\n".join(signature)),
    )


def detect_language(text: str) -> str:
    """Guess whether text is Chinese, English or something else.

    Args:
        text: any text; only the first 20,000 characters are looked at.

    Returns:
        ``"zh"`` when CJK ideographs make up at least 30% of the words
        (counting each ideograph as a word) and kana or hangul do not;
        ``"en"`` when the letters are mostly ASCII and common English words
        occur; else ``"other"``.
    """
    sample = text[:_SAMPLE]
    cjk = len(_CJK.findall(sample))
    latin_words = len(_LATIN_WORD.findall(sample))
    # A CJK character carries about as much as a whole Latin word.
    if cjk and cjk * 10 >= (cjk + latin_words) * 3:
        kana_hangul = len(_KANA_HANGUL.findall(sample))
        return "zh" if kana_hangul * 5 < cjk else "other"
    letters = len(_LETTER.findall(sample))
    if not letters or len(_ASCII_LETTER.findall(sample)) * 10 < letters * 9:
        return "other"
    words = _WORD.findall(sample.lower())
    hits = sum(1 for word in words if word in _STOPWORDS)
    return "en" if hits and hits * 20 >= len(words) else "other"
