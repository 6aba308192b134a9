"""Turn bytes (and mail header values) of unknown or mislabelled encoding into text.

Mail and files in the wild declare charsets Python does not know (``x-gbk``,
``DEFAULT``, ``unknown-8bit``) or lie about them (GBK labelled ``gb2312``,
UTF-8 labelled ``us-ascii``). ``decode_bytes`` walks a fixed chain of guesses
and always returns a string; the last step, latin-1, cannot fail.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import re

import charset_normalizer

# Labels seen in real mail that name a superset (or a Python-unknown spelling)
# of what the sender really used. GB2312 and GBK text is nearly always GBK in
# practice, and GB18030 decodes both.
_ALIASES: dict[str, str] = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gb2312": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "windows-936": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "utf8": "utf-8",
    "x-utf8": "utf-8",
    "x-unicode-2-0-utf-8": "utf-8",
}

# Labels that carry no information: skip straight to guessing.
_MEANINGLESS = frozenset(
    {"", "default", "unknown", "unknown-8bit", "x-unknown", "x-user-defined", "charset", "none"}
)

# Codecs Python accepts that are not text encodings or would "decode" anything
# into nonsense (bytes-to-bytes codecs raise LookupError on ``bytes.decode``).
_UNSAFE = frozenset({"undefined"})

# A charset decode that fails on a handful of bytes is still the right one
# (a truncated character, one corrupted byte). Accept it when at most one in
# this many non-ASCII characters is a replacement.
_TOLERANCE = 50
_HIGH_BYTES = bytes(range(0x80, 0x100))
_MAX_CUT = 3  # bytes of a multibyte character that may be missing at the end
_HIGH_RUNS = re.compile(rb"[\x80-\xff]+")
# Ideographs, CJK and general punctuation, fullwidth forms, circled numbers,
# shapes and stars: what the high bytes of real GBK mail decode to.
_CHINESE = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e\u2010-\u205f\u2460-\u27bf\u00b7]")

# RFC 2047 encoded word; "[^?]*" also admits the spaces broken encoders leave.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\udc80-\udcff]")  # 8-bit bytes the email parser escaped


def normalize_charset(declared: str | None) -> str | None:
    """Map a declared charset label to the Python codec to try, or ``None``.

    Args:
        declared: the label as written in a header or document, any case, maybe quoted.

    Returns:
        A codec name Python knows, or ``None`` when the label is empty,
        meaningless or unknown.
    """
    if not declared:
        return None
    label = declared.strip().strip("\"'").strip().lower()
    if label in _MEANINGLESS:
        return None
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return None if name in _UNSAFE else name


@functools.lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """True for codecs that map every high byte to one character (cp1252, koi8-r...)."""
    if encoding.startswith("utf"):
        return False
    return len(_HIGH_BYTES.decode(encoding, errors="replace")) == len(_HIGH_BYTES)


def _strict(data: bytes, encoding: str) -> str | None:
    """Decode without errors, forgiving only a character cut off at the very end."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        truncated = data[: exc.start]  # encoders and mail gateways cut mid-character
        # Forgive the cut only where other multibyte characters vouch for the encoding.
        if exc.start < len(data) - _MAX_CUT or truncated.isascii():
            return None
    except (LookupError, ValueError, TypeError):
        return None
    try:
        return truncated.decode(encoding)
    except (LookupError, ValueError, TypeError):
        return None


def _tolerant(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding, errors="replace")
    except (LookupError, ValueError, TypeError):
        return None
    replaced = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return text if replaced * _TOLERANCE <= non_ascii else None


def _bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    return None


def _by_byte_pattern(data: bytes) -> str | None:
    """Decode undeclared non-UTF-8 bytes by how their high bytes cluster.

    GBK text has its high bytes in pairs; Western 8-bit text has them alone
    between ASCII letters. charset_normalizer misreads both when short (it
    calls a short GBK subject Korean, Big5 or even UTF-16), so these two
    common cases are settled first.
    """
    runs = _HIGH_RUNS.findall(data)
    high = sum(len(run) for run in runs)
    paired = sum(len(run) for run in runs if len(run) > 1)
    if paired * 10 >= high * 9:
        text = _strict(data, "gb18030")
        # GB18030 maps nearly every byte pair; insist that the result reads as Chinese.
        if text is not None and len(_CHINESE.findall(text)) * 10 >= high // 2 * 9:
            return text
        return None
    if paired * 2 <= high:
        return _strict(data, "cp1252")
    return None


def _guess(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None or best.encoding.startswith(("utf_16", "utf_32")):
        return None  # UTF-16/32 without a byte-order mark is never a real answer here
    return _strict(data, best.encoding)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text through a fixed fallback chain; never raises.

    The chain: a byte-order mark; the declared charset (aliases applied)
    and UTF-8, UTF-8 first when the label is a single-byte one; both again
    tolerating a few bad bytes; GB18030 or cp1252 when the high bytes
    clearly pair up or stand alone; charset_normalizer's best guess;
    GB18030; latin-1 (cannot fail).

    Args:
        data: the raw bytes.
        declared: the charset the source claims, if any.

    Returns:
        The decoded text.
    """
    if not data:
        return ""
    text = _bom(data)
    if text is not None:
        return text
    encoding = normalize_charset(declared)
    candidates = [encoding] if encoding and encoding != "utf-8" else []
    # UTF-8 labelled latin-1 / cp1252 / ascii is common; real single-byte text
    # is almost never valid multibyte UTF-8, so UTF-8 goes first for those.
    candidates.insert(0 if encoding and _single_byte(encoding) else len(candidates), "utf-8")
    for candidate in candidates:
        text = _strict(data, candidate)
        if text is not None:
            return text
    for candidate in candidates:
        text = _tolerant(data, candidate)
        if text is not None:
            return text
    text = _by_byte_pattern(data)
    if text is not None:
        return text
    text = _guess(data)
    if text is not None:
        return text
    text = _strict(data, "gb18030")
    if text is not None:
        return text
    return data.decode("latin-1", errors="replace")


def _decode_word(encoding: str, payload: str) -> bytes | None:
    """The bytes of one encoded word, or ``None`` when it is malformed."""
    try:
        if encoding in "bB":
            compact = "".join(payload.split())
            return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
        return binascii.a2b_qp(payload.encode("utf-8"), header=True)
    except (binascii.Error, ValueError):
        return None


def decode_header_value(value: str) -> str:
    """Decode a raw header value: unfold, RFC 2047 words, 8-bit bytes.

    Adjacent encoded words in one charset are joined before decoding, since
    encoders split multibyte characters across them. Malformed words are
    left as written. Never raises.

    Args:
        value: the header value as the parser stored it.

    Returns:
        The decoded value on one line with whitespace collapsed.
    """
    value = _FOLD.sub("", value)
    if _SURROGATE.search(value):
        try:
            value = decode_bytes(value.encode("utf-8", errors="surrogateescape"))
        except UnicodeEncodeError:  # surrogates that no parser produced
            value = _SURROGATE.sub("\ufffd", value)
    pieces: list[str] = []
    pending = b""
    pending_charset = ""
    after_word = False
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset = match.group(1).split("*", 1)[0].lower()
        data = _decode_word(match.group(2), match.group(3))
        # RFC 2047: whitespace between two encoded words is not displayed.
        adjacent = after_word and (not between or between.isspace())
        if data is not None and adjacent and charset == pending_charset:
            pending += data
        else:
            if pending:
                pieces.append(decode_bytes(pending, pending_charset))
                pending = b""
            if not (adjacent and data is not None):
                pieces.append(between)
            if data is None:
                pieces.append(match.group(0))
            else:
                pending, pending_charset = data, charset
        after_word = data is not None
        position = match.end()
    if pending:
        pieces.append(decode_bytes(pending, pending_charset))
    pieces.append(value[position:])
    return " ".join(_CONTROL.sub(" ", "".join(pieces)).split())
